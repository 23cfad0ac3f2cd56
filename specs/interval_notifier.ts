/**
 * The interval notifier and hmm_range_fault: how a device driver mirrors a process address space (the pattern of
 * Documentation/vm/hmm.rst, lib/test_hmm.c, nouveau_svm.c, amdgpu_mn.c, RDMA ODP umem_odp.c / mlx5 odp.c), against
 * an unmapper (MADV_DONTNEED's zap_page_range, or the OOM reaper's non-blockable range) and a CPU thread that faults a
 * new page back in, with the driver mistakes as configurations. Analysis, verdicts and every counterexample in
 * kernel terms: docs/mmu_notifier.md section 11. Kernel code read at v5.10 (a v5.10.13 tree).
 *
 * The interval notifier: 99cb252f5e68 "mm/mmu_notifier: add an interval tree notifier" (Jason Gunthorpe, v5.5) and
 * its series (mmu_interval_read_begin / _read_retry / _check_retry / _set_seq, include/linux/mmu_notifier.h);
 * hmm_range_fault in mm/hmm.c.
 *
 * ── Actions → kernel (v5.10) ─────────────────────────────────────────────────────────────────────────────────────
 * Device-fault thread d (the driver's fault path, hmm.rst driver_populate_range):
 *   mmu_interval_read_begin(d)   mm/mmu_notifier.c: under subscriptions->lock seq = sub->invalidate_seq;
 *                                is_invalidating = seq == subscriptions->invalidate_seq; returns seq. Enabled when
 *                                the device pte for va is empty (a device fault) or after `goto again`.
 *   read_begin_wakeup(d)         the wait_event(subscriptions->wq, invalidate_seq != seq) in read_begin returns
 *                                (is_invalidating was true; mn_itree_inv_end has changed the seq).
 *   retry_without_read_begin(d)  driver=seqOnce only: the driver's `again:` label sits after read_begin.
 *   hmm_range_fault(d)           mm/hmm.c: one pass of its loop. mmu_interval_check_retry(notifier, seq) → -EBUSY
 *                                (driver: goto again); else walk_page_range without the PTL and without a page
 *                                reference: pte present → its pfn; pte none → hmm_vma_fault → handle_mm_fault →
 *                                do_anonymous_page installs a new page and the walk restarts (-EBUSY inside the
 *                                loop), or, under MMF_UNSTABLE, check_stable_address_space → VM_FAULT_SIGBUS →
 *                                -EFAULT (the device fault fails).
 *   read_retry_unlocked(d)       driver=retryUnlocked: mmu_interval_read_retry tested before the driver lock.
 *   driver_lock_read_retry(d)    take_lock(driver->update) (enabled only when free); mmu_interval_read_retry(sub,
 *                                seq) → release_lock, goto again; else keep the lock. driver=noRetry: no test;
 *                                driver=retryUnlocked: the test was made before.
 *   program_device_pte(d)        "use pfns array content to update device page table, under the update lock";
 *                                release_lock.
 * CPU:
 *   cpu_fault                    the task touches va with the pte none: do_anonymous_page under the PTL installs a
 *                                new page (not under MMF_UNSTABLE: VM_FAULT_SIGBUS).
 * The unmapper (one thread; constant `unmapper`):
 *   mmu_notifier_invalidate_range_start            zap_page_range (mm/memory.c): the blockable range_start →
 *                                __mmu_notifier_invalidate_range_start → mn_itree_invalidate →
 *                                mn_itree_inv_start_range: active_invalidate_ranges++, invalidate_seq |= 1, cur_seq.
 *   mmu_notifier_invalidate_range_start_nonblock   __oom_reap_task_mm (mm/oom_kill.c): set_bit(MMF_UNSTABLE),
 *                                then the same with MMU_NOTIFIER_RANGE_BLOCKABLE cleared.
 *   The interval callback ops->invalidate(sub, range, cur_seq), one step per statement (constant `driver`, and
 *   `nonblock` for a non-blockable range):
 *     mutex_lock                 mutex_lock(&driver->lock): disabled while the lock is held (the callback sleeps).
 *     mutex_trylock              non-blockable: success → go on; failure → `return false` (nonblock=trylock, the
 *                                lib/test_hmm.c and nouveau code), or `return true` with no set_seq and no zap
 *                                (nonblock=trueWithoutLock, a mistake).
 *     return_false               nonblock=alwaysFalse: amdgpu_mn_invalidate_gfx, mlx5_ib_invalidate_range:
 *                                `if (!mmu_notifier_range_blockable(range)) return false;`.
 *     mmu_interval_set_seq       WRITE_ONCE(sub->invalidate_seq, cur_seq).
 *     zap_device_pte             the driver's zap (dmirror_do_update, the mlx5 UMR zap): device pte → none.
 *     mutex_unlock               release the driver lock; return true.
 *   zap_pte_range / unmap_page_range   under the PTL: the CPU pte is cleared, the page moves into the mmu_gather.
 *   mmu_notifier_invalidate_range_end  mn_itree_inv_end: --active_invalidate_ranges; at 0 with the seq odd:
 *                                invalidate_seq++ (even), wake_up_all(&subscriptions->wq).
 *   tlb_finish_mmu               the gathered page is freed. zap: the round ends (next round or done);
 *                                oom: the vma is reaped, the reaper is done.
 *   mn_itree_inv_end             a callback returned false on a non-blockable range: mn_itree_invalidate's
 *                                out_would_block ends the invalidation itself and returns -EAGAIN;
 *                                __oom_reap_task_mm skips the vma (tlb_finish_mmu, ret = false); oom_reap_task
 *                                retries after schedule_timeout_idle(HZ/10), or after the last attempt gives up
 *                                (MMF_OOM_SKIP). One step.
 *
 * ── Driver variants (constant `driver`) ──────────────────────────────────────────────────────────────────────────
 *   correct          hmm.rst / lib/test_hmm.c: mutex_lock, set_seq, zap, mutex_unlock; fault: lock, read_retry.
 *   noRetry          the fault path never calls mmu_interval_read_retry.
 *   retryUnlocked    read_retry is tested before the driver lock is taken.
 *   noCallbackLock   the callback calls set_seq and zaps without the driver lock.
 *   setSeqAfterZap   the callback zaps first, then calls set_seq (both under the lock).
 *   noSetSeq         the callback never calls mmu_interval_set_seq.
 *   seqOnce          the fault path retries without calling read_begin again.
 *
 * ── Abstracted away ──────────────────────────────────────────────────────────────────────────────────────────────
 *  - One va, one interval subscription, one driver lock, one device page table shared by `faults` fault threads.
 *    Pages are numbered in allocation order (page 1 mapped at the start); a freed page is never reused here: the
 *    invariants judge the device pte against the freed set.
 *  - The PTL, mmap_lock and subscriptions->lock are not variables: their critical sections are atomic steps (a CPU
 *    fault, a pte clear, read_begin's snapshot, inv_start / inv_end). The walk reads the pte atomically.
 *  - Barriers (READ_ONCE/WRITE_ONCE, the lock's ordering) are assumed to work: steps are sequentially consistent.
 *  - The page is freed at tlb_finish_mmu, after range_end (an early tlb_flush_mmu of a full batch frees sooner; it
 *    would only shorten some buggy traces by one state, the correct driver zaps before the clear anyway).
 *  - The reaper's MAX_OOM_REAP_RETRIES (10) attempts are `unmaps` attempts; MMF_UNSTABLE is set with the first
 *    nonblocking range_start (nothing in the model looks between the set_bit and the vma loop).
 *  - Not modelled: exit_mmap (its mmu_notifier_release and blockable unmap), interval insert / remove and the
 *    deferred list, nested or concurrent invalidations (active_invalidate_ranges is 0 or 1).
 *
 * Deadlock checking is off: every scenario is finite (at most `unmaps` invalidations) and its end states (the
 * unmapper done, the device mapped or its fault failed) have no successor by design; whether something can be stuck
 * is what the temporal properties ask, under fairness.
 */
import { defineSpec, eventuallyAlways, forAll, leadsTo, oneOf, range, t, wf } from '#tlats';
import type { ConfigDef, ConstValues } from '#tlats';

const DRIVERS = ['correct', 'noRetry', 'retryUnlocked', 'noCallbackLock', 'setSeqAfterZap', 'noSetSeq', 'seqOnce'] as const;
type Driver = (typeof DRIVERS)[number];
const UNMAPPERS = ['zap', 'oom'] as const;
const NONBLOCK = ['trylock', 'alwaysFalse', 'sleep', 'trueWithoutLock'] as const;

const STEPS = [
  'mmu_notifier_invalidate_range_start',
  'mmu_notifier_invalidate_range_start_nonblock',
  'mutex_lock',
  'mutex_trylock',
  'return_false',
  'mmu_interval_set_seq',
  'zap_device_pte',
  'mutex_unlock',
  'zap_pte_range',
  'unmap_page_range',
  'mmu_notifier_invalidate_range_end',
  'tlb_finish_mmu',
  'mn_itree_inv_end',
] as const;
type Step = (typeof STEPS)[number];
type UPc = Step | 'done';

const FAULT_PC = ['idle', 'again', 'wait', 'hmm', 'check', 'lock', 'program', 'failed'] as const;
type FPc = (typeof FAULT_PC)[number];

interface Fault {
  /** where the device-fault thread is: idle (no fault in progress), or the next step of the fault path */
  readonly pc: FPc;
  /** range.notifier_seq: what mmu_interval_read_begin returned */
  readonly snap: number;
  /** the pfn hmm_range_fault returned (a page number; 0 = none yet) */
  readonly pfn: number;
}

interface State {
  /** the CPU pte for va: 0 = none, k = page k */
  readonly pte: number;
  /** the next page the allocator hands out */
  readonly nextPage: number;
  /** freed[k]: page k went back to the allocator */
  readonly freed: readonly boolean[];
  /** the page waiting in the unmapper's mmu_gather (0 = none) */
  readonly gather: number;
  /** the device page table's entry for va: 0 = none, k = page k */
  readonly dev: number;
  /** subscriptions->invalidate_seq (even when idle, odd while an invalidation of the interval is in progress) */
  readonly subsSeq: number;
  /** interval_sub->invalidate_seq */
  readonly subSeq: number;
  /** subscriptions->active_invalidate_ranges */
  readonly active: number;
  /** the cur_seq passed to the callback of the invalidation in progress */
  readonly curSeq: number;
  /** MMF_UNSTABLE (the OOM reaper has started on this mm) */
  readonly unstable: boolean;
  /** the driver lock's holder: 'none', 'cb' (the invalidate callback) or 'f0', 'f1', ... (a fault thread) */
  readonly lock: string;
  /** the unmapper's next step, and the rounds (zap) or attempts (oom) it has completed */
  readonly upc: UPc;
  readonly round: number;
  readonly fault: readonly Fault[];
}

const constants = {
  driver: oneOf(DRIVERS, 'correct', 'the driver variant: fault path and invalidate callback'),
  unmapper: oneOf(UNMAPPERS, 'zap', 'zap: zap_page_range (MADV_DONTNEED, blockable); oom: the OOM reaper (non-blockable range)'),
  nonblock: oneOf(NONBLOCK, 'trylock', 'the callback on a non-blockable range: trylock (test_hmm, nouveau), alwaysFalse (amdgpu, mlx5), sleep, trueWithoutLock'),
  unmaps: { default: 1 as number, values: [1, 2, 3], doc: 'size knob: zap rounds, or the OOM reaper\'s attempts' },
  faults: { default: 1 as number, values: [1, 2, 3], doc: 'size knob: device-fault threads' },
};
type Consts = ConstValues<typeof constants>;

// ── The unmapper's step list ─────────────────────────────────────────────────────────────────────────────────────

/** The callback's steps on a blockable range (and on a non-blockable one with nonblock=sleep). */
function blockingCallback(d: Driver): Step[] {
  switch (d) {
    case 'setSeqAfterZap': return ['mutex_lock', 'zap_device_pte', 'mmu_interval_set_seq', 'mutex_unlock'];
    case 'noCallbackLock': return ['mmu_interval_set_seq', 'zap_device_pte'];
    case 'noSetSeq': return ['mutex_lock', 'zap_device_pte', 'mutex_unlock'];
    default: return ['mutex_lock', 'mmu_interval_set_seq', 'zap_device_pte', 'mutex_unlock'];
  }
}

/** The success path of one invalidation; failure branches (trylock, return_false) jump out of it in the actions. */
export function stepsFor(c: Consts): Step[] {
  if (c.unmapper === 'zap') {
    return ['mmu_notifier_invalidate_range_start', ...blockingCallback(c.driver as Driver), 'zap_pte_range',
      'mmu_notifier_invalidate_range_end', 'tlb_finish_mmu'];
  }
  let cb: Step[];
  switch (c.nonblock) {
    case 'alwaysFalse': cb = ['return_false']; break;
    case 'sleep': cb = blockingCallback(c.driver as Driver); break;
    default: cb = ['mutex_trylock', 'mmu_interval_set_seq', 'zap_device_pte', 'mutex_unlock'];
  }
  return ['mmu_notifier_invalidate_range_start_nonblock', ...cb, 'unmap_page_range',
    'mmu_notifier_invalidate_range_end', 'tlb_finish_mmu'];
}

const plans = new Map<string, Map<UPc, UPc>>();
function nextOf(c: Consts): Map<UPc, UPc> {
  const key = `${c.unmapper}|${c.nonblock}|${c.driver}`;
  let m = plans.get(key);
  if (!m) {
    const steps = stepsFor(c);
    m = new Map<UPc, UPc>();
    steps.forEach((s, i) => m!.set(s, steps[i + 1] ?? 'done'));
    plans.set(key, m);
  }
  return m;
}
const firstStep = (c: Consts): Step => stepsFor(c)[0]!;

/** End of an invalidation's bookkeeping: zap rounds continue, the reaper is done after one successful reap. */
function afterRound(s: State, c: Consts, n: Partial<State>): State {
  const round = s.round + 1;
  const upc: UPc = c.unmapper === 'zap' && round < c.unmaps ? firstStep(c) : 'done';
  return { ...s, ...n, round, upc };
}

/** mn_itree_inv_end: --active; at 0 with the seq odd: seq++ (the wake_up_all is read_begin_wakeup's guard). */
function invEnd(s: State): Pick<State, 'active' | 'subsSeq'> {
  const active = s.active - 1;
  return { active, subsSeq: active === 0 && s.subsSeq % 2 === 1 ? s.subsSeq + 1 : s.subsSeq };
}

function setFault(s: State, d: number, f: Partial<Fault>): Fault[] {
  const out = s.fault.slice();
  out[d] = { ...s.fault[d]!, ...f };
  return out;
}

const nonblocking = (c: Consts) => c.unmapper === 'oom';

/** A step of the unmapper: its own lane in a trace (the device faults are fault0, fault1, ..., the task is CPU). */
function unmapperStep(step: Step, effect: (s: State, c: Consts) => State | null) {
  return { actor: 'unmapper', next: (s: State, _: {}, c: Consts): State | null => (s.upc === step ? effect(s, c) : null) };
}
const faultLane = ({ d }: { d: number }) => `fault${d}`;
const advance = (s: State, c: Consts, n: Partial<State>): State => ({ ...s, ...n, upc: nextOf(c).get(s.upc)! });

const unmapperActions = {
  mmu_notifier_invalidate_range_start: unmapperStep('mmu_notifier_invalidate_range_start', (s, c) => {
    const subsSeq = s.subsSeq | 1;
    return advance(s, c, { active: s.active + 1, subsSeq, curSeq: subsSeq });
  }),
  mmu_notifier_invalidate_range_start_nonblock: unmapperStep('mmu_notifier_invalidate_range_start_nonblock', (s, c) => {
    const subsSeq = s.subsSeq | 1;
    return advance(s, c, { unstable: true, active: s.active + 1, subsSeq, curSeq: subsSeq });
  }),
  mutex_lock: unmapperStep('mutex_lock', (s, c) => (s.lock === 'none' ? advance(s, c, { lock: 'cb' }) : null)),
  mutex_trylock: unmapperStep('mutex_trylock', (s, c) => {
    if (s.lock === 'none') return advance(s, c, { lock: 'cb' });
    // the lock is held: return false (the core ends the invalidation), or return true having done nothing
    return { ...s, upc: c.nonblock === 'trueWithoutLock' ? 'unmap_page_range' : 'mn_itree_inv_end' };
  }),
  return_false: unmapperStep('return_false', (s) => ({ ...s, upc: 'mn_itree_inv_end' })),
  mmu_interval_set_seq: unmapperStep('mmu_interval_set_seq', (s, c) => advance(s, c, { subSeq: s.curSeq })),
  zap_device_pte: unmapperStep('zap_device_pte', (s, c) => advance(s, c, { dev: 0 })),
  mutex_unlock: unmapperStep('mutex_unlock', (s, c) => advance(s, c, { lock: 'none' })),
  zap_pte_range: unmapperStep('zap_pte_range', (s, c) => advance(s, c, { pte: 0, gather: s.pte })),
  unmap_page_range: unmapperStep('unmap_page_range', (s, c) => advance(s, c, { pte: 0, gather: s.pte })),
  mmu_notifier_invalidate_range_end: unmapperStep('mmu_notifier_invalidate_range_end', (s, c) => advance(s, c, invEnd(s))),
  tlb_finish_mmu: unmapperStep('tlb_finish_mmu', (s, c) => {
    const freed = s.freed.slice();
    if (s.gather !== 0) freed[s.gather] = true;
    return afterRound(s, c, { freed, gather: 0 });
  }),
  mn_itree_inv_end: unmapperStep('mn_itree_inv_end', (s, c) => {
    // -EAGAIN: the vma is skipped; oom_reap_task tries again or gives up
    const round = s.round + 1;
    return { ...s, ...invEnd(s), round, upc: round < c.unmaps ? firstStep(c) : 'done' };
  }),
};

// ── Configurations ──────────────────────────────────────────────────────────────────────────────────────────────

const SRC = 'docs/mmu_notifier.md section 11.3/11.4 (hand analysis of the v5.10 code, written before running)';
type Inv = 'noDevicePteMapsFreedPage' | 'cpuAndDeviceAgree' | 'nonBlockableCallbackNeverSleeps';
type Prop = 'DeviceEventuallyMaps' | 'FaultCompletes';
type Violations = Partial<Record<Inv | Prop, number | true>>;

function cfg(constants: Partial<Consts>, violated: Violations, doc: string, fairness?: string[]): ConfigDef<Consts, Inv, Prop> {
  return { constants, doc, ...(fairness ? { fairness } : {}), expect: { source: SRC, violated } } as ConfigDef<Consts, Inv, Prop>;
}

const configs: Record<string, ConfigDef<Consts, Inv, Prop>> = {
  correct: cfg({ driver: 'correct' }, {}, 'the hmm.rst / test_hmm driver against zap_page_range'),
  noRetry: cfg({ driver: 'noRetry' }, { noDevicePteMapsFreedPage: 13, cpuAndDeviceAgree: 12, DeviceEventuallyMaps: true },
    'the fault path never calls mmu_interval_read_retry'),
  retryUnlocked: cfg({ driver: 'retryUnlocked' }, { noDevicePteMapsFreedPage: 14, cpuAndDeviceAgree: 13, DeviceEventuallyMaps: true },
    'mmu_interval_read_retry tested before taking the driver lock'),
  noCallbackLock: cfg({ driver: 'noCallbackLock' }, { noDevicePteMapsFreedPage: 11, cpuAndDeviceAgree: 10, DeviceEventuallyMaps: true },
    'the invalidate callback does set_seq and the zap without the driver lock'),
  setSeqAfterZap: cfg({ driver: 'setSeqAfterZap' }, {}, 'the callback zaps, then calls mmu_interval_set_seq (both under the lock)'),
  noSetSeq: cfg({ driver: 'noSetSeq' }, { noDevicePteMapsFreedPage: 12, cpuAndDeviceAgree: 11, DeviceEventuallyMaps: true },
    'the callback never calls mmu_interval_set_seq'),
  seqOnce: cfg({ driver: 'seqOnce' }, { DeviceEventuallyMaps: true, FaultCompletes: true },
    'the fault path retries without a new mmu_interval_read_begin'),
  correctNoUnmapperFairness: cfg({ driver: 'correct' }, { DeviceEventuallyMaps: true, FaultCompletes: true },
    'the correct driver, but the unmapper may stop in the middle of an invalidation', ['device']),
  oom: cfg({ unmapper: 'oom', nonblock: 'trylock' }, { DeviceEventuallyMaps: true },
    'the OOM reaper; the callback trylocks and returns false when it cannot (test_hmm, nouveau)'),
  oomAlwaysFalse: cfg({ unmapper: 'oom', nonblock: 'alwaysFalse' }, {},
    'the OOM reaper; the callback returns false on every non-blockable range (amdgpu, mlx5)'),
  oomSleep: cfg({ unmapper: 'oom', nonblock: 'sleep' }, { nonBlockableCallbackNeverSleeps: 5, DeviceEventuallyMaps: true },
    'the OOM reaper; the callback takes mutex_lock although the range is not blockable'),
  oomTrueWithoutLock: cfg({ unmapper: 'oom', nonblock: 'trueWithoutLock' }, { noDevicePteMapsFreedPage: 10, DeviceEventuallyMaps: true },
    'the OOM reaper; when trylock fails the callback returns true without set_seq or zap'),
  correct2: cfg({ driver: 'correct', faults: 2 }, {}, 'the correct driver with two device-fault threads'),
  correctU2: cfg({ driver: 'correct', unmaps: 2 }, {}, 'the correct driver against two zap rounds'),
};

// ── The spec ────────────────────────────────────────────────────────────────────────────────────────────────────

const faultActionNames = ['mmu_interval_read_begin', 'read_begin_wakeup', 'retry_without_read_begin', 'hmm_range_fault',
  'read_retry_unlocked', 'driver_lock_read_retry', 'program_device_pte'];
const perFault = (c: Consts) => ({ d: range(c.faults) });
const faultIdle = (pc: FPc) => pc === 'idle' || pc === 'failed';

export default defineSpec({
  name: 'interval_notifier',
  description: 'mmu_interval_notifier + hmm_range_fault driver pattern (v5.10) vs zap_page_range / the OOM reaper, with driver mistakes',
  constants,
  configs,
  schema: (c: Consts) => {
    const page = t.int(0, c.unmaps + 1);
    const seq = t.int(0, 2 * c.unmaps + 3);
    return t.record({
      pte: page,
      nextPage: t.int(1, c.unmaps + 2),
      freed: t.array(t.bool(), c.unmaps + 2),
      gather: page,
      dev: page,
      subsSeq: seq,
      subSeq: seq,
      active: t.int(0, 1),
      curSeq: seq,
      unstable: t.bool(),
      lock: t.enum('none', 'cb', ...range(c.faults).map((d) => `f${d}`)),
      upc: t.enum(...STEPS, 'done'),
      round: t.int(0, c.unmaps),
      fault: t.array(t.record({ pc: t.enum(...FAULT_PC), snap: seq, pfn: page }), c.faults),
    });
  },
  init: (c): State => ({
    pte: 1,
    nextPage: 2,
    freed: Array.from({ length: c.unmaps + 2 }, () => false),
    gather: 0,
    dev: 0,
    subsSeq: 2, // __mmu_notifier_register: subscriptions->invalidate_seq = 2
    subSeq: 1, // __mmu_interval_notifier_insert with no invalidation active: subscriptions->invalidate_seq - 1
    active: 0,
    curSeq: 0,
    unstable: false,
    lock: 'none',
    upc: firstStep(c),
    round: 0,
    fault: range(c.faults).map((): Fault => ({ pc: 'idle', snap: 0, pfn: 0 })),
  }),
  actions: {
    // ---------------- the device-fault threads ----------------
    mmu_interval_read_begin: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }, c: Consts): State | null => {
        const f = s.fault[d]!;
        if (!((f.pc === 'idle' && s.dev === 0) || (f.pc === 'again' && c.driver !== 'seqOnce'))) return null;
        const snap = s.subSeq;
        return { ...s, fault: setFault(s, d, { pc: snap === s.subsSeq ? 'wait' : 'hmm', snap, pfn: 0 }) };
      },
    },
    read_begin_wakeup: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }): State | null => {
        const f = s.fault[d]!;
        if (f.pc !== 'wait' || s.subsSeq === f.snap) return null;
        return { ...s, fault: setFault(s, d, { pc: 'hmm' }) };
      },
    },
    retry_without_read_begin: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }, c: Consts): State | null => {
        if (c.driver !== 'seqOnce' || s.fault[d]!.pc !== 'again') return null;
        return { ...s, fault: setFault(s, d, { pc: 'hmm' }) };
      },
    },
    hmm_range_fault: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }, c: Consts): State | null => {
        const f = s.fault[d]!;
        if (f.pc !== 'hmm') return null;
        if (s.subSeq !== f.snap) return { ...s, fault: setFault(s, d, { pc: 'again', pfn: 0 }) }; // -EBUSY
        if (s.pte !== 0) {
          return { ...s, fault: setFault(s, d, { pc: c.driver === 'retryUnlocked' ? 'check' : 'lock', pfn: s.pte }) };
        }
        if (s.unstable) return { ...s, fault: setFault(s, d, { pc: 'failed', pfn: 0 }) }; // SIGBUS -> -EFAULT
        // handle_mm_fault -> do_anonymous_page: a new page; the walk returns -EBUSY and the loop checks again
        return { ...s, pte: s.nextPage, nextPage: s.nextPage + 1 };
      },
    },
    read_retry_unlocked: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }): State | null => {
        const f = s.fault[d]!;
        if (f.pc !== 'check') return null;
        return { ...s, fault: setFault(s, d, { pc: s.subSeq !== f.snap ? 'again' : 'lock' }) };
      },
    },
    driver_lock_read_retry: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }, c: Consts): State | null => {
        const f = s.fault[d]!;
        if (f.pc !== 'lock' || s.lock !== 'none') return null;
        const test = c.driver !== 'noRetry' && c.driver !== 'retryUnlocked';
        if (test && s.subSeq !== f.snap) return { ...s, fault: setFault(s, d, { pc: 'again' }) }; // unlock, goto again
        return { ...s, lock: `f${d}`, fault: setFault(s, d, { pc: 'program' }) };
      },
    },
    program_device_pte: {
      actor: faultLane,
      params: perFault,
      next: (s: State, { d }: { d: number }): State | null => {
        const f = s.fault[d]!;
        if (f.pc !== 'program') return null;
        return { ...s, dev: f.pfn, lock: 'none', fault: setFault(s, d, { pc: 'idle', pfn: 0 }) };
      },
    },
    // ---------------- the CPU ----------------
    cpu_fault: {
      actor: 'CPU',
      doc: 'do_anonymous_page under the PTL installs a new page',
      next: (s: State): State | null => {
        if (s.pte !== 0 || s.unstable) return null;
        return { ...s, pte: s.nextPage, nextPage: s.nextPage + 1 };
      },
    },
    // ---------------- the unmapper ----------------
    ...unmapperActions,
  },
  invariants: {
    /** The device page table never maps a page that went back to the allocator. */
    noDevicePteMapsFreedPage: (s: State) => s.dev === 0 || !s.freed[s.dev],
    /** When the CPU pte is present, a present device pte maps the same page. */
    cpuAndDeviceAgree: (s: State) => s.dev === 0 || s.pte === 0 || s.dev === s.pte,
    /** The callback of a non-blockable range never waits for the driver lock ("the callback cannot sleep"). */
    nonBlockableCallbackNeverSleeps: (s: State, c: Consts) =>
      !(nonblocking(c) && s.upc === 'mutex_lock' && s.lock !== 'none'),
  },
  fairness: {
    device: wf(faultActionNames, { each: 'd' }),
    unmapper: wf([...STEPS]),
  },
  properties: {
    /** Invalidations are finite (at most `unmaps`); afterwards the device maps the page the CPU maps, for ever. */
    DeviceEventuallyMaps: eventuallyAlways((s: State) => s.dev !== 0 && s.dev === s.pte),
    /** Every device fault returns: it maps the page or fails with -EFAULT. */
    FaultCompletes: forAll((c: Consts) => ({ d: range(c.faults) }), ({ d }: { d: number }) =>
      leadsTo((s: State) => !faultIdle(s.fault[d]!.pc), (s: State) => faultIdle(s.fault[d]!.pc))),
  },
  deadlock: false,
});
