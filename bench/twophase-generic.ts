/**
 * specs/twophase.ts without its schema, for `npm run bench`: the same Immutable.js spec checked through the
 * generic codec (checker/codec/generic.ts) instead of the schema's compiled one.
 */
import twoPhase from '../specs/twophase.ts';

export default { ...twoPhase, name: 'TwoPhaseGeneric', schema: undefined };
