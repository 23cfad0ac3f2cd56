/**
 * The distributed run's default timeouts, apart from the coordinator so that the CLI can name them without
 * loading the NATS client (every run would pay for it, most of them one-machine runs).
 */
/** Seconds without a heartbeat after which a node counts as lost (--nats-timeout). */
export const DEFAULT_NATS_TIMEOUT = 10;
/** Seconds a run with --checkpoint waits for idle nodes to replace a lost one (--nats-rejoin-timeout). */
export const DEFAULT_REJOIN_TIMEOUT = 60;
