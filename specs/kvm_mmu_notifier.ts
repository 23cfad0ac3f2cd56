/**
 * KVM as an mmu_notifier user: the retry protocol (mmu_notifier_count / mmu_notifier_seq) that keeps KVM's sptes
 * (EPT entries) a subset of the host page table, and the x86 APIC-access page, whose host physical address KVM
 * keeps in each vCPU's VMCS (APIC_ACCESS_ADDR), outside the sptes.
 *
 * The unmapper (constant `unmapper`) is reclaim (try_to_unmap_one swap-out, page freed by shrink_page_list after
 * range_end) or zap (MADV_DONTNEED, page freed by the mmu_gather flush, before or after range_end).
 *
 * One host virtual address (the hva behind one guest frame: the APIC-access page's private memslot, so that the
 * EPT fault path and the APIC reload look at the same host pte). Pages P1 (mapped at the start) and P2 (what a
 * swap-in allocates once P1 has been freed). Analysis: docs/mmu_notifier.md.
 *
 * Actions -> kernel code they stand for
 *   kvm_invalidate_range_start   mmu_notifier_invalidate_range_start() from try_to_unmap_one() (mm/rmap.c, 4.15+)
 *                                into kvm_mmu_notifier_invalidate_range_start() (virt/kvm/kvm_main.c, v4.19): under
 *                                mmu_lock, mmu_notifier_count++, kvm_unmap_hva_range() zaps the spte, remote TLB
 *                                flush. apic=rangeStartRequest: then kvm_arch_mmu_notifier_invalidate_range()
 *                                (arch/x86/kvm/x86.c, b1394e745b94, 4.15-5.7) makes KVM_REQ_APIC_PAGE_RELOAD on
 *                                all vCPUs. apic=startEndRetry: kvm_unmap_gfn_range() makes the same request under
 *                                mmu_lock (0a8a5f2c8c26, 6.5+).
 *   try_to_unmap_one             the anon swap-out branch under the PTL (4.15-6.5): clear the pte, install the swap
 *                                entry, explicit mmu_notifier_invalidate_range() (0f10851ea475), page_remove_rmap,
 *                                put_page. apic=invalidateRange: that call reaches kvm_mmu_notifier_invalidate_range
 *                                -> kvm_arch_mmu_notifier_invalidate_range() (e649b3f0188f, 5.8-6.4): request reload.
 *   kvm_invalidate_range_end     __mmu_notifier_invalidate_range_end(): ->invalidate_range (apic=invalidateRange:
 *                                request again) then kvm_mmu_notifier_invalidate_range_end(): under mmu_lock,
 *                                mmu_notifier_seq++, smp_wmb, mmu_notifier_count--.
 *   zap_pte_range                unmapper=zap: zap_page_range() (MADV_DONTNEED, mm/memory.c v4.19) -> zap_pte_range()
 *                                under the PTL: ptep_get_and_clear_full (pte none), page_remove_rmap,
 *                                __tlb_remove_page: the mapping's page reference moves into the mmu_gather. No
 *                                mmu_notifier_invalidate_range under the PTL on this path.
 *   tlb_flush_mmu                unmapper=zap: tlb_flush_mmu() (mid-walk when the batch is full, or from
 *                                tlb_finish_mmu() after range_end): tlb_flush_mmu_tlbonly() calls
 *                                mmu_notifier_invalidate_range() (apic=invalidateRange: request), then
 *                                free_pages_and_swap_cache() drops the reference: P1 is freed now, or by the last
 *                                holder's put (a vCPU's kvm_release_pfn_clean).
 *   reclaim_free_page            shrink_page_list() -> __remove_mapping(): page_ref_freeze(page, 2) succeeds (only
 *                                reclaim's isolation reference and the swap cache's remain), the page leaves the
 *                                swap cache, is unlocked and freed.
 *   reclaim_putback_page         the same when the freeze fails because someone (a vCPU's gup) holds a reference:
 *                                the page is unlocked and stays in the swap cache, unfreed.
 *   vcpu_snapshot_seq(vcpu)      EPT violation -> tdp_page_fault() (arch/x86/kvm/mmu.c, v4.19):
 *                                mmu_seq = kvm->mmu_notifier_seq; smp_rmb().
 *   gup(vcpu)                    try_async_pf() -> hva_to_pfn() -> get_user_pages(): takes a page reference; on the
 *                                swap entry it is do_swap_page(): waits for the page lock reclaim holds, then maps
 *                                P1 again from the swap cache, or reads the data into a new page P2 if P1 was freed;
 *                                on an empty pte (after zap) do_anonymous_page() maps a new page P2 at once.
 *   vcpu_install_spte(vcpu)      spin_lock(mmu_lock); mmu_notifier_retry(kvm, mmu_seq) (constant `retry`);
 *                                __direct_map() installs the spte; spin_unlock; kvm_release_pfn_clean().
 *                                On retry: RET_PF_RETRY, the reference is dropped and the guest re-faults.
 *   vcpu_enter_guest(vcpu)       vcpu_enter_guest(): enters guest mode only with no request pending.
 *   vcpu_reload_apic_page(vcpu)  apic=rangeStartRequest|invalidateRange: kvm_vcpu_reload_apic_access_page() ->
 *                                vmx_set_apic_access_page_addr() (4.15-6.4): gfn_to_page(), vmcs_write64(
 *                                APIC_ACCESS_ADDR), put_page(); no lock, no retry check.
 *   vcpu_apic_snapshot_seq,      apic=startEndRetry: vmx_set_apic_access_page_addr() after 878940b33d76 (6.5):
 *   apic_gup, vcpu_apic_check    mmu_seq = mmu_invalidate_seq; gfn_to_pfn_memslot(); read_lock(mmu_lock);
 *                                mmu_invalidate_retry_hva() (here: the constant `retry`) -> re-request
 *                                KVM_REQ_APIC_PAGE_RELOAD, else vmcs_write64; unlock; release the page.
 *   b_invalidate_range_start     invalidationsB > 0 or repeatB: an invalidation of a second gfn B alone (e.g. mprotect ->
 *                                change_protection -> mmu_notifier_invalidate_range_start(MMU_NOTIFY_PROTECTION_VMA))
 *                                into kvm_mmu_notifier_invalidate_range_start(): kvm_mmu_invalidate_begin()
 *                                (in_progress++) and kvm_mmu_invalidate_range_add() via kvm_mmu_unmap_gfn_range()
 *                                (virt/kvm/kvm_main.c, 8569992d64b8, 6.8+; 4a42d848db95 in 5.12 did the same inline),
 *                                B's sptes zapped. B's page never changes, so B's pte and sptes are not variables.
 *   b_invalidate_range_end       kvm_mmu_invalidate_end(): mmu_invalidate_seq++, smp_wmb, in_progress--.
 *
 * The range (5.12+, constant `rangeTrack`; reclaim's range_start records A, B's records B):
 *   union        the kernel: reset when in_progress becomes 1 (5.12: set when count == 1; 6.8: INVALID_GPA in begin(),
 *                set or min/max-widened in range_add()); never touched at end.
 *   overwrite, resetAtEnd   done wrong: no union; reset to INVALID_GPA at every end.
 *   resetAtZero  reset at the end that brings in_progress to 0 (a reviewer's alternative in the 8569992d64b8 thread).
 *   exact        hypothetical: exactly the ranges in progress.
 * The check (constant `retry`), for the fault (and the 2023 APIC reload) on gfn A:
 *   full/seqOnly/countOnly/none   as above (mmu_notifier_retry, v4.19);
 *   range        mmu_invalidate_retry_gfn() (include/linux/kvm_host.h, 6.8+), called from is_page_fault_stale()
 *                (arch/x86/kvm/mmu/mmu.c): in_progress && (range INVALID_GPA [WARN] || A in range), or seq moved;
 *   rangeHva     mmu_notifier_retry_hva() (4a42d848db95, 5.12): in_progress && A in range, or seq moved;
 *   rangeNoSeq, rangeNoCount      done wrong: the seq half dropped; the in_progress test dropped.
 * `seq moved` is the per-vCPU bit `moved` (seq != snap while between snapshot and check), so that a repeating
 * invalidator of B (repeatB) needs no unbounded counter; with bounded invalidations it equals seq != snap.
 * unmapper=none: gfn A is never invalidated (only B is). Liveness: `faultMaps` (a vCPU's EPT violation on A ~> the
 * spte for A present), under the fairness each `live*` configuration names (vcpu, reclaim, invalidatorB).
 *
 * Abstracted away, and why
 *  - mmu_lock and the PTL are not variables: every critical section is one atomic step (KVM's range_start, range_end,
 *    spte install and APIC check; the pte change in try_to_unmap_one; the host fault inside gup).
 *  - Memory barriers: the smp_wmb/smp_rmb pairs are assumed to work (sequentially consistent steps).
 *  - One invalidation (one reclaim of P1): count and seq are 0..1. A second reclaim of the swap-cache page after a
 *    putback would free it with no notifier call at all (no pte maps it); it is left out.
 *  - The page reference held by a vCPU is released in the same step as the spte install or retry (the kernel drops
 *    it just after unlocking mmu_lock); splitting them only adds states where reclaim sees the reference and puts
 *    the page back.
 *  - The kick of a request is synchronous (KVM_REQ_APIC_PAGE_RELOAD has KVM_REQUEST_WAIT: the requester waits until
 *    the vCPU has left guest mode), so making a request moves a vCPU in guest mode to host mode in the same step.
 *  - Guest accesses are not steps: a vCPU in guest mode with no spte may take an EPT violation
 *    (vcpu_snapshot_seq); the VMCS copy matters only while the vCPU is in guest mode.
 *  - CPU TLBs, the swap device, writeback and dirty bits: not relevant to the secondary MMU's view.
 *
 *  - Range-aware rows: one second gfn, adjacent to A (the min/max union of A and B is exactly {A, B}); one memslot;
 *    the lockless mmu_invalidate_retry_gfn_unsafe() pre-checks of kvm_faultin_pfn() and mn_active_invalidate_count
 *    (memslot updates, pfn caches) are left out.
 *
 * Deadlock: off. The scenario is finite (one reclaim) and its end states are quiescent (vCPUs in guest mode with
 * the spte installed, reclaim done): having no successor there is the intended end, not an error. Liveness is asked
 * only in the `live*` configurations (faultMaps); a vCPU stuck re-requesting the APIC reload is not asked about.
 */
import { defineSpec, forAll, leadsTo, oneOf, range, t, wf } from '#tlats';

const RETRY = ['full', 'none', 'seqOnly', 'countOnly', 'range', 'rangeHva', 'rangeNoSeq', 'rangeNoCount'] as const;
type Retry = (typeof RETRY)[number];
const APIC = ['off', 'rangeStartRequest', 'invalidateRange', 'startEndRetry'] as const;
type Apic = (typeof APIC)[number];

const VCPU_PC = ['guest', 'host', 'fault_gup', 'fault_lock', 'apic_gup', 'apic_lock'] as const;
type VcpuPc = (typeof VCPU_PC)[number];
const UNMAPPER = ['reclaim', 'zap', 'none'] as const;
type Unmapper = (typeof UNMAPPER)[number];
const RECLAIM_PC = ['idle', 'ptl', 'end', 'free', 'done'] as const;
const GATHER = ['none', 'pending', 'orphan'] as const;
type Gather = (typeof GATHER)[number];
type ReclaimPc = (typeof RECLAIM_PC)[number];
type Page = 'P1' | 'P2';
type MaybePage = 'none' | Page;
type Pte = Page | 'swap' | 'none';
const RANGE_TRACK = ['union', 'overwrite', 'resetAtEnd', 'resetAtZero', 'exact'] as const;
type RangeTrack = (typeof RANGE_TRACK)[number];
/** kvm->mmu_invalidate_range_start/_end over the two gfns A (0) and B (1): 'none' is INVALID_GPA (no range). */
const RANGES = ['none', 'A', 'B', 'AB'] as const;
type Range = (typeof RANGES)[number];
type Gfn = 'A' | 'B';

interface Vcpu {
  /** where the vCPU is: in guest mode, in host mode between runs, or in the fault / APIC-reload path */
  readonly pc: VcpuPc;
  /** the mmu_notifier_seq snapshot of the fault or reload in progress */
  readonly snap: number;
  /** the page gup returned, whose reference the vCPU holds */
  readonly held: MaybePage;
  /** KVM_REQ_APIC_PAGE_RELOAD pending */
  readonly req: boolean;
  /** the VMCS APIC_ACCESS_ADDR field */
  readonly vmcs: MaybePage;
  /**
   * mmu_invalidate_seq != snap: an invalidation has ended since this fault's (or reload's) snapshot. Kept apart from
   * `snap` so that a repeating invalidator needs no unbounded counter; false outside the snapshot..check window.
   */
  readonly moved: boolean;
}

interface State {
  /** the host pte for the hva */
  readonly pte: Pte;
  readonly p1Freed: boolean;
  /** zap: P1's mapping reference sits in the mmu_gather (pending), or was dropped while gup holders remain (orphan) */
  readonly gather: Gather;
  readonly count: number;
  readonly seq: number;
  /** the range being invalidated (kvm->mmu_invalidate_range_start/_end, 5.12+) */
  readonly range: Range;
  /** the spte (EPT entry) for the gfn; sptes are per VM */
  readonly spte: MaybePage;
  /** the reclaim thread's next step */
  readonly reclaim: ReclaimPc;
  /** the second invalidator (gfn B): between its range_start and range_end, or not */
  readonly bPc: 'idle' | 'active';
  /** invalidations of B completed (stays 0 with repeatB) */
  readonly bDone: number;
  readonly vcpu: readonly Vcpu[];
}

interface Consts {
  readonly vcpus: number;
  readonly retry: Retry;
  readonly apic: Apic;
  readonly unmapper: Unmapper;
  readonly rangeTrack: RangeTrack;
  readonly invalidationsB: number;
  readonly repeatB: boolean;
}

const hasA = (r: Range): boolean => r === 'A' || r === 'AB';
function addRange(r: Range, x: Gfn): Range {
  if (r === 'none' || r === x) return x;
  return 'AB';
}
function removeRange(r: Range, x: Gfn): Range {
  if (r === 'AB') return x === 'A' ? 'B' : 'A';
  return r === x ? 'none' : r;
}

/** The retry check under mmu_lock for the fault (or the 2023 APIC reload) on gfn A. */
function mustRetry(s: State, v: Vcpu, retry: Retry): boolean {
  switch (retry) {
    case 'full': return s.count !== 0 || v.moved;            // mmu_notifier_retry / mmu_invalidate_retry
    case 'seqOnly': return v.moved;
    case 'countOnly': return s.count !== 0;
    case 'none': return false;
    // mmu_invalidate_retry_gfn (8569992d64b8, 6.8+): in progress and (no range recorded: WARN, retry; or gfn in it)
    case 'range': return (s.count !== 0 && (s.range === 'none' || hasA(s.range))) || v.moved;
    // mmu_notifier_retry_hva (4a42d848db95, 5.12): in progress and hva in [range_start, range_end); no sentinel
    case 'rangeHva': return (s.count !== 0 && hasA(s.range)) || v.moved;
    case 'rangeNoSeq': return s.count !== 0 && (s.range === 'none' || hasA(s.range));
    case 'rangeNoCount': return hasA(s.range) || v.moved;
  }
}

/** kvm_mmu_invalidate_begin + kvm_mmu_invalidate_range_add for gfn x (count is the value before the increment). */
function rangeAtStart(s: State, x: Gfn, c: Consts): Range {
  switch (c.rangeTrack) {
    case 'overwrite': return x;
    case 'exact': return addRange(s.range, x);
    default: return s.count === 0 ? x : addRange(s.range, x); // reset when in_progress becomes 1, else the union
  }
}

/** What kvm_mmu_invalidate_end does to the range (count is the value after the decrement). */
function rangeAtEnd(r: Range, x: Gfn, countAfter: number, c: Consts): Range {
  switch (c.rangeTrack) {
    case 'resetAtEnd': return 'none';
    case 'resetAtZero': return countAfter === 0 ? 'none' : r;
    case 'exact': return removeRange(r, x);
    default: return r; // the kernel leaves it; the next begin with in_progress 0 -> 1 resets it
  }
}

const inWindow = (pc: VcpuPc): boolean => pc === 'fault_gup' || pc === 'fault_lock' || pc === 'apic_gup' || pc === 'apic_lock';

/** mmu_invalidate_seq++ seen by every fault and reload between its snapshot and its check. */
function seqMoved(vcpus: readonly Vcpu[]): readonly Vcpu[] {
  return vcpus.some((v) => inWindow(v.pc) && !v.moved)
    ? vcpus.map((v) => (inWindow(v.pc) && !v.moved ? { ...v, moved: true } : v))
    : vcpus;
}

/** get_user_pages on the hva, with the host fault it may take: the page and the new pte, or null while blocked. */
function hostFault(s: State): { page: Page; pte: Pte } | null {
  if (s.pte === 'none') return { page: 'P2', pte: 'P2' }; // do_anonymous_page
  if (s.pte !== 'swap') return { page: s.pte, pte: s.pte };
  // do_swap_page: P1 is in the swap cache and locked by reclaim until it frees it or puts it back
  const locked = s.reclaim === 'end' || s.reclaim === 'free';
  if (locked) return null;
  return s.p1Freed ? { page: 'P2', pte: 'P2' } : { page: 'P1', pte: 'P1' };
}

/** kvm_make_all_cpus_request(kvm, KVM_REQ_APIC_PAGE_RELOAD), with the synchronous kick. */
function requestReloadAll(vcpus: readonly Vcpu[]): Vcpu[] {
  return vcpus.map((v) => ({ ...v, req: true, pc: v.pc === 'guest' ? 'host' : v.pc }));
}

/** A vCPU drops its page reference (put_page / kvm_release_pfn_clean): the last one frees an orphaned P1. */
function release(s: State, i: number, v: Partial<Vcpu>): State {
  const vcpu = setVcpu(s, i, { ...v, held: 'none' });
  if (s.gather === 'orphan' && !vcpu.some((x) => x.held === 'P1')) return { ...s, vcpu, gather: 'none', p1Freed: true };
  return { ...s, vcpu };
}

function setVcpu(s: State, i: number, v: Partial<Vcpu>): Vcpu[] {
  const out = s.vcpu.slice();
  out[i] = { ...s.vcpu[i]!, ...v };
  return out;
}

const perVcpu = (c: Consts) => ({ vcpu: range(c.vcpus) });

// ── Actors: the lanes of a trace. The unmapping thread (reclaim, or the zapping munmap/MADV_DONTNEED caller), the
// second invalidator of gfn B, and each vCPU thread (vCPU0, vCPU1, ...), as the e649b3f0188f race is drawn.
/** The unmapper's lane: reclaim, or zap for the zap_page_range unmapper. */
const unmapperLane = (_: {}, c: Consts) => (c.unmapper === 'zap' ? 'zap' : 'reclaim');
const vcpuLane = ({ vcpu }: { vcpu: number }) => `vCPU${vcpu}`;
/** An action without parameters, taken by `actor`, with its doc. */
function by(actor: string | ((p: {}, c: Consts) => string), doc: string, next: (s: State, c: Consts) => State | null) {
  return { actor, doc, next: (s: State, _: {}, c: Consts) => next(s, c) };
}
/** mmu_invalidate_seq counts reclaim's range_end and B's (with repeatB, B's ends are seen only through `moved`). */
const maxSeq = (c: Consts): number => 1 + (c.repeatB ? 0 : Math.max(c.invalidationsB, 0));
const VCPU_ACTIONS = ['vcpu_snapshot_seq', 'gup', 'vcpu_install_spte', 'vcpu_enter_guest', 'vcpu_reload_apic_page',
  'vcpu_apic_snapshot_seq', 'apic_gup', 'vcpu_apic_check'];
const RECLAIM_ACTIONS = ['kvm_invalidate_range_start', 'try_to_unmap_one', 'zap_pte_range', 'tlb_flush_mmu',
  'kvm_invalidate_range_end', 'reclaim_free_page', 'reclaim_putback_page'];

const configs = {
  // --- the vCPU fault path's retry check, no APIC page ---
  retryFull: {
    doc: 'mmu_notifier_retry as in the kernel: count != 0 or seq changed',
    constants: { retry: 'full', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retryfull' },
  },
  retryNone: {
    doc: 'no retry check at all: the spte is installed from whatever gup returned',
    constants: { retry: 'none', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retrynone', violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 8 } },
  },
  retrySeqOnly: {
    doc: 'only mmu_notifier_seq compared: blind between range_start and range_end',
    constants: { retry: 'seqOnly', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retryseqonly', violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 8 } },
  },
  retryCountOnly: {
    doc: 'only mmu_notifier_count tested: blind to an invalidation that ended between the snapshot and the check',
    constants: { retry: 'countOnly', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retrycountonly', violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 8 } },
  },
  retryFull2: {
    doc: 'retryFull with two vCPUs faulting concurrently',
    constants: { retry: 'full', apic: 'off', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retryfull' },
  },
  retryNone2: {
    constants: { retry: 'none', apic: 'off', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retrynone', violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 8 } },
  },
  retrySeqOnly2: {
    constants: { retry: 'seqOnly', apic: 'off', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retryseqonly', violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 8 } },
  },
  retryCountOnly2: {
    constants: { retry: 'countOnly', apic: 'off', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-retrycountonly', violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 8 } },
  },
  // --- the APIC-access page, full retry check on the fault path ---
  apicRangeStartRequest: {
    doc: 'b1394e745b94 (4.15-5.7): reload requested from range_start',
    constants: { retry: 'full', apic: 'rangeStartRequest', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-apicrangestartrequest', violated: { apicVmcsAgreesWithPte: 7, apicVmcsAgreesWithSpte: 11 } },
  },
  apicInvalidateRange: {
    doc: 'e649b3f0188f (5.8-6.4): reload requested from ->invalidate_range',
    constants: { retry: 'full', apic: 'invalidateRange', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-apicinvalidaterange' },
  },
  apicStartEndRetry: {
    doc: '878940b33d76 + 0a8a5f2c8c26 (6.5+): requested from range_start, reload retried like a fault',
    constants: { retry: 'full', apic: 'startEndRetry', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-apicstartendretry' },
  },
  apicRangeStartRequest2: {
    constants: { retry: 'full', apic: 'rangeStartRequest', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-apicrangestartrequest', violated: { apicVmcsAgreesWithPte: 7, apicVmcsAgreesWithSpte: 11 } },
  },
  apicInvalidateRange2: {
    constants: { retry: 'full', apic: 'invalidateRange', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-apicinvalidaterange' },
  },
  apicStartEndRetry2: {
    constants: { retry: 'full', apic: 'startEndRetry', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-apicstartendretry' },
  },
  // --- the 2023 design needs the whole retry check, for the VMCS as for the spte ---
  apicStartEndRetryNone: {
    constants: { retry: 'none', apic: 'startEndRetry', vcpus: 1 },
    properties: [],
    expect: {
      source: 'docs/mmu_notifier.md#kvm-apicstartendretry-weakened',
      violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 8, apicVmcsAgreesWithPte: 9, apicVmcsAgreesWithSpte: 12 },
    },
  },
  apicStartEndRetrySeqOnly: {
    constants: { retry: 'seqOnly', apic: 'startEndRetry', vcpus: 1 },
    properties: [],
    expect: {
      source: 'docs/mmu_notifier.md#kvm-apicstartendretry-weakened',
      violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 8, apicVmcsAgreesWithPte: 9, apicVmcsAgreesWithSpte: 12 },
    },
  },
  apicStartEndRetryCountOnly: {
    constants: { retry: 'countOnly', apic: 'startEndRetry', vcpus: 1 },
    properties: [],
    expect: {
      source: 'docs/mmu_notifier.md#kvm-apicstartendretry-weakened',
      violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 8, apicVmcsAgreesWithPte: 9, apicVmcsAgreesWithSpte: 12 },
    },
  },
  // --- the zap unmapper (MADV_DONTNEED): the page may be freed before range_end, a new one faulted in at once ---
  zapRetryFull: {
    constants: { unmapper: 'zap', retry: 'full', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-retryfull' },
  },
  zapRetryNone: {
    constants: { unmapper: 'zap', retry: 'none', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-retry', violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 7 } },
  },
  zapRetrySeqOnly: {
    constants: { unmapper: 'zap', retry: 'seqOnly', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-retry', violated: { spteAgreesWithPte: 6, noSpteMapsFreedPage: 7 } },
  },
  zapRetryCountOnly: {
    constants: { unmapper: 'zap', retry: 'countOnly', apic: 'off', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-retry', violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 8 } },
  },
  zapApicRangeStartRequest: {
    constants: { unmapper: 'zap', retry: 'full', apic: 'rangeStartRequest', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-apicrangestartrequest', violated: { apicVmcsAgreesWithPte: 6, apicVmcsAgreesWithSpte: 10 } },
  },
  zapApicRangeStartRequest2: {
    constants: { unmapper: 'zap', retry: 'full', apic: 'rangeStartRequest', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-apicrangestartrequest', violated: { apicVmcsAgreesWithPte: 6, apicVmcsAgreesWithSpte: 10 } },
  },
  zapApicInvalidateRange: {
    doc: 'the request comes from tlb_flush_mmu, after the PTL is released: VMCS != pte while the EPT is empty',
    constants: { unmapper: 'zap', retry: 'full', apic: 'invalidateRange', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-apicinvalidaterange', violated: { apicVmcsAgreesWithPte: 7 } },
  },
  zapApicInvalidateRange2: {
    constants: { unmapper: 'zap', retry: 'full', apic: 'invalidateRange', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-apicinvalidaterange', violated: { apicVmcsAgreesWithPte: 5 } },
  },
  zapApicStartEndRetry: {
    constants: { unmapper: 'zap', retry: 'full', apic: 'startEndRetry', vcpus: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-apicstartendretry' },
  },
  zapApicStartEndRetry2: {
    constants: { unmapper: 'zap', retry: 'full', apic: 'startEndRetry', vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-zap-apicstartendretry' },
  },
  // --- range-aware retry (KVM 5.12+ / 6.x): a second gfn B and its invalidator; docs/mmu_notifier.md section 9, Part 1,
  //     "Range-aware retry (KVM 6.x)". Safety: vcpus = 1, B invalidated once, invariants only. ---
  rangeWholeVm: {
    doc: 'v4.19 whole-VM check (count/seq) with a second invalidation of gfn B overlapping reclaim of A',
    constants: { retry: 'full', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeGfn: {
    doc: '6.8+ mmu_invalidate_retry_gfn (8569992d64b8) with the union of ranges, reset when in_progress becomes 1',
    constants: { retry: 'range', rangeTrack: 'union', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeGfn2: {
    constants: { retry: 'range', rangeTrack: 'union', invalidationsB: 1, vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeHva: {
    doc: '5.12 mmu_notifier_retry_hva (4a42d848db95): no INVALID_GPA sentinel; with the union it is the same check',
    constants: { retry: 'rangeHva', rangeTrack: 'union', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeResetAtZero: {
    doc: 'the range reset in end() when in_progress drops to 0 (a reviewer\'s alternative): equivalent',
    constants: { retry: 'range', rangeTrack: 'resetAtZero', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeExact: {
    doc: 'hypothetical exact tracking of the ranges in progress (what the union approximates)',
    constants: { retry: 'range', rangeTrack: 'exact', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeNoCount: {
    doc: 'the range compared without mmu_invalidate_in_progress: safe (it only retries more), see liveRangeNoCount',
    constants: { retry: 'rangeNoCount', rangeTrack: 'union', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-safe' },
  },
  rangeOverwrite: {
    doc: 'range_start overwrites the range instead of taking the union: B hides A while reclaim of A is in progress',
    constants: { retry: 'range', rangeTrack: 'overwrite', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-overwrite', violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 9 } },
  },
  rangeOverwrite2: {
    constants: { retry: 'range', rangeTrack: 'overwrite', invalidationsB: 1, vcpus: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-overwrite', violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 9 } },
  },
  rangeResetAtEnd: {
    doc: 'the range reset (to INVALID_GPA) at every end: the 6.8 check retries on INVALID_GPA while in progress',
    constants: { retry: 'range', rangeTrack: 'resetAtEnd', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-resetatend' },
  },
  rangeResetAtEndTwice: {
    doc: 'the same with B invalidated twice: the second start records B alone while reclaim of A is in progress',
    constants: { retry: 'range', rangeTrack: 'resetAtEnd', invalidationsB: 2 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-resetatend', violated: { spteAgreesWithPte: 9, noSpteMapsFreedPage: 11 } },
  },
  rangeHvaResetAtEnd: {
    doc: 'reset at every end with the 5.12 check (an empty range, no sentinel): A is outside it while reclaimed',
    constants: { retry: 'rangeHva', rangeTrack: 'resetAtEnd', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-resetatend', violated: { spteAgreesWithPte: 8, noSpteMapsFreedPage: 10 } },
  },
  rangeNoSeq: {
    doc: 'the range compared, mmu_invalidate_seq not: blind to an invalidation of A that began and ended',
    constants: { retry: 'rangeNoSeq', rangeTrack: 'union', invalidationsB: 1 },
    properties: [],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-noseq', violated: { spteAgreesWithPte: 7, noSpteMapsFreedPage: 8 } },
  },
  // --- liveness: faultMaps (a vCPU's EPT violation on A ~> the spte for A installed), vcpus = 1 ---
  liveWholeVmStall: {
    doc: 'whole-VM check; B invalidated once by a thread that may be preempted for ever inside it; A never invalidated',
    constants: { retry: 'full', unmapper: 'none', invalidationsB: 1 },
    fairness: ['vcpu'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-stall', violated: { faultMaps: 5 } },
  },
  liveRangeStall: {
    doc: 'the same with mmu_invalidate_retry_gfn: the fault on A is outside B\'s range (4a42d848db95\'s point)',
    constants: { retry: 'range', unmapper: 'none', invalidationsB: 1 },
    fairness: ['vcpu'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-stall' },
  },
  liveRangeStallOverlap: {
    doc: 'B stalls after overlapping reclaim of A: the union keeps A in the range until B ends, i.e. for ever',
    constants: { retry: 'range', invalidationsB: 1 },
    fairness: ['vcpu', 'reclaim'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-overlap', violated: { faultMaps: 11 } },
  },
  liveRangeExactStallOverlap: {
    doc: 'the same with exact range tracking: A leaves the range at reclaim\'s end',
    constants: { retry: 'range', rangeTrack: 'exact', invalidationsB: 1 },
    fairness: ['vcpu', 'reclaim'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-overlap' },
  },
  liveWholeVmFair: {
    doc: 'whole-VM check, every thread weakly fair, bounded invalidations (reclaim of A, one of B)',
    constants: { retry: 'full', invalidationsB: 1 },
    fairness: ['vcpu', 'reclaim', 'invalidatorB'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-fair' },
  },
  liveRangeFair: {
    constants: { retry: 'range', invalidationsB: 1 },
    fairness: ['vcpu', 'reclaim', 'invalidatorB'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-fair' },
  },
  liveReclaimStall: {
    doc: 'a fault inside the range: reclaim of A may stall for ever, and both checks must wait for it',
    constants: { retry: 'range' },
    fairness: ['vcpu'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-fair', violated: { faultMaps: 4 } },
  },
  liveWholeVmRepeat: {
    doc: 'B invalidated again and again (fair): the whole-VM check starves the fault on A',
    constants: { retry: 'full', unmapper: 'none', repeatB: true },
    fairness: ['vcpu', 'invalidatorB'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-repeat', violated: { faultMaps: 7 } },
  },
  liveRangeRepeat: {
    doc: 'the same with the range-aware check: still starved, through mmu_invalidate_seq, which is per VM',
    constants: { retry: 'range', unmapper: 'none', repeatB: true },
    fairness: ['vcpu', 'invalidatorB'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-repeat', violated: { faultMaps: 7 } },
  },
  liveRangeNoCount: {
    doc: 'the range compared without in_progress: the range left behind by reclaim\'s invalidation blocks A for ever',
    constants: { retry: 'rangeNoCount' },
    fairness: ['vcpu', 'reclaim', 'invalidatorB'],
    expect: { source: 'docs/mmu_notifier.md#kvm-range-live-nocount', violated: { faultMaps: 10 } },
  },
} as const;

export default defineSpec({
  name: 'kvm_mmu_notifier',
  description: 'KVM mmu_notifier retry protocol (whole-VM and range-aware) and the x86 APIC-access page against reclaim and zap, with a fault-liveness property.',
  constants: {
    vcpus: { default: 1 as number, doc: 'number of vCPUs (racing threads): 1, 2, 3' },
    retry: oneOf(RETRY, 'full', 'the retry check of the fault path (and of the 2023 APIC reload)'),
    apic: oneOf(APIC, 'off', 'how the APIC-access page in the VMCS follows invalidations'),
    unmapper: oneOf(UNMAPPER, 'reclaim', 'reclaim (try_to_unmap_one swap-out), zap (MADV_DONTNEED), or none (gfn A is never invalidated)'),
    rangeTrack: oneOf(RANGE_TRACK, 'union', 'how range_start/range_end maintain kvm->mmu_invalidate_range_start/_end'),
    invalidationsB: { default: 0 as number, doc: 'invalidations of the second gfn B (0: no second address); a size knob' },
    repeatB: { default: false as boolean, doc: 'the invalidator of B runs again and again, unbounded' },
  },
  configs,
  schema: (c) => t.record({
    pte: t.enum('P1', 'P2', 'swap', 'none'),
    p1Freed: t.bool(),
    gather: t.enum(...GATHER),
    count: t.int(0, c.invalidationsB > 0 || c.repeatB ? 2 : 1),
    seq: t.int(0, maxSeq(c)),
    range: t.enum(...RANGES),
    spte: t.enum('none', 'P1', 'P2'),
    reclaim: t.enum(...RECLAIM_PC),
    bPc: t.enum('idle', 'active'),
    bDone: t.int(0, Math.max(c.invalidationsB, 0)),
    vcpu: t.array(t.record({
      pc: t.enum(...VCPU_PC),
      snap: t.int(0, maxSeq(c)),
      held: t.enum('none', 'P1', 'P2'),
      req: t.bool(),
      vmcs: t.enum('none', 'P1', 'P2'),
      moved: t.bool(),
    }), c.vcpus),
  }),
  init: (c): State => ({
    pte: 'P1',
    p1Freed: false,
    gather: 'none',
    count: 0,
    seq: 0,
    range: 'none',
    spte: 'none',
    reclaim: 'idle',
    bPc: 'idle',
    bDone: 0,
    vcpu: range(c.vcpus).map((): Vcpu => ({
      pc: 'guest', snap: 0, held: 'none', req: false, vmcs: c.apic === 'off' ? 'none' : 'P1', moved: false,
    })),
  }),
  actions: {
    // ---------------- reclaim: shrink_page_list -> try_to_unmap -> try_to_unmap_one ----------------
    kvm_invalidate_range_start: by(unmapperLane, 'kvm_mmu_notifier_invalidate_range_start: count++, the range widened, the spte zapped', (s: State, c: Consts): State | null => {
      if (s.reclaim !== 'idle' || c.unmapper === 'none') return null;
      const request = c.apic === 'rangeStartRequest' || c.apic === 'startEndRetry';
      return {
        ...s, count: s.count + 1, range: rangeAtStart(s, 'A', c), spte: 'none', reclaim: 'ptl',
        vcpu: request ? requestReloadAll(s.vcpu) : s.vcpu,
      };
    }),
    try_to_unmap_one: by(unmapperLane, 'try_to_unmap_one: the pte becomes a swap entry (invalidateRange: APIC reload requested)', (s: State, c: Consts): State | null => {
      if (s.reclaim !== 'ptl' || c.unmapper !== 'reclaim') return null;
      return { ...s, pte: 'swap', reclaim: 'end', vcpu: c.apic === 'invalidateRange' ? requestReloadAll(s.vcpu) : s.vcpu };
    }),
    zap_pte_range: by(unmapperLane, 'zap_pte_range: the pte cleared, the page queued in the mmu_gather', (s: State, c: Consts): State | null => {
      if (s.reclaim !== 'ptl' || c.unmapper !== 'zap') return null;
      return { ...s, pte: 'none', gather: 'pending', reclaim: 'end' };
    }),
    tlb_flush_mmu: by(unmapperLane, "tlb_flush_mmu: the gathered page freed (unless a vCPU's gup holds it)", (s: State, c: Consts): State | null => {
      if (s.gather !== 'pending') return null;
      const vcpu = c.apic === 'invalidateRange' ? requestReloadAll(s.vcpu) : s.vcpu;
      if (s.vcpu.some((v) => v.held === 'P1')) return { ...s, vcpu, gather: 'orphan' };
      return { ...s, vcpu, gather: 'none', p1Freed: true };
    }),
    kvm_invalidate_range_end: by(unmapperLane, 'kvm_mmu_notifier_invalidate_range_end: seq++, count--', (s: State, c: Consts): State | null => {
      if (s.reclaim !== 'end') return null;
      const vcpu = seqMoved(s.vcpu);
      return {
        ...s, seq: s.seq + 1, count: s.count - 1, range: rangeAtEnd(s.range, 'A', s.count - 1, c),
        reclaim: c.unmapper === 'reclaim' ? 'free' : 'done',
        vcpu: c.apic === 'invalidateRange' ? requestReloadAll(vcpu) : vcpu,
      };
    }),
    // ---------------- the second invalidator: an invalidation of gfn B only (e.g. mprotect of B's hva) ----------------
    b_invalidate_range_start: by('invalidatorB', "range_start for gfn B only (e.g. mprotect of B's hva): count++", (s: State, c: Consts): State | null => {
      if (s.bPc !== 'idle' || (!c.repeatB && s.bDone >= c.invalidationsB)) return null;
      return { ...s, count: s.count + 1, range: rangeAtStart(s, 'B', c), bPc: 'active' };
    }),
    b_invalidate_range_end: by('invalidatorB', 'range_end for gfn B: seq++, count--', (s: State, c: Consts): State | null => {
      if (s.bPc !== 'active') return null;
      return {
        ...s, seq: c.repeatB ? s.seq : s.seq + 1, count: s.count - 1, range: rangeAtEnd(s.range, 'B', s.count - 1, c),
        bPc: 'idle', bDone: c.repeatB ? 0 : s.bDone + 1, vcpu: seqMoved(s.vcpu),
      };
    }),
    reclaim_free_page: by(unmapperLane, 'reclaim frees the page (no reference left)', (s: State): State | null => {
      if (s.reclaim !== 'free' || s.vcpu.some((v) => v.held === 'P1')) return null;
      return { ...s, p1Freed: true, reclaim: 'done' };
    }),
    reclaim_putback_page: by(unmapperLane, 'reclaim puts the page back (a gup reference holds it)', (s: State): State | null => {
      if (s.reclaim !== 'free' || !s.vcpu.some((v) => v.held === 'P1')) return null;
      return { ...s, reclaim: 'done' };
    }),
    // ---------------- vCPU: the EPT fault path ----------------
    vcpu_snapshot_seq: {
      actor: vcpuLane,
      doc: 'kvm_faultin_pfn: mmu_seq = kvm->mmu_notifier_seq (smp_rmb)',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }): State | null => {
        const v = s.vcpu[p.vcpu]!;
        if (v.pc !== 'guest' || s.spte !== 'none') return null;
        return { ...s, vcpu: setVcpu(s, p.vcpu, { pc: 'fault_gup', snap: s.seq, moved: false }) };
      },
    },
    gup: {
      actor: vcpuLane,
      doc: 'gup (hva_to_pfn): fault the host page in and take a reference',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }): State | null => {
        if (s.vcpu[p.vcpu]!.pc !== 'fault_gup') return null;
        const r = hostFault(s);
        if (r === null) return null;
        return { ...s, pte: r.pte, vcpu: setVcpu(s, p.vcpu, { pc: 'fault_lock', held: r.page }) };
      },
    },
    vcpu_install_spte: {
      actor: vcpuLane,
      doc: 'under mmu_lock: mmu_notifier_retry, else install the spte',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }, c: Consts): State | null => {
        const v = s.vcpu[p.vcpu]!;
        if (v.pc !== 'fault_lock') return null;
        const spte = mustRetry(s, v, c.retry) ? s.spte : v.held;
        return release({ ...s, spte }, p.vcpu, { pc: 'host', moved: false });
      },
    },
    vcpu_enter_guest: {
      actor: vcpuLane,
      doc: 'vcpu_enter_guest: back into the guest',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }): State | null => {
        const v = s.vcpu[p.vcpu]!;
        if (v.pc !== 'host' || v.req) return null;
        return { ...s, vcpu: setVcpu(s, p.vcpu, { pc: 'guest' }) };
      },
    },
    // ---------------- vCPU: KVM_REQ_APIC_PAGE_RELOAD ----------------
    vcpu_reload_apic_page: {
      actor: vcpuLane,
      doc: 'KVM_REQ_APIC_PAGE_RELOAD: gup the APIC page, write it into the VMCS',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }, c: Consts): State | null => {
        const v = s.vcpu[p.vcpu]!;
        if (c.apic !== 'rangeStartRequest' && c.apic !== 'invalidateRange') return null;
        if (v.pc !== 'host' || !v.req) return null;
        const r = hostFault(s);
        if (r === null) return null;
        return { ...s, pte: r.pte, vcpu: setVcpu(s, p.vcpu, { req: false, vmcs: r.page }) };
      },
    },
    vcpu_apic_snapshot_seq: {
      actor: vcpuLane,
      doc: 'APIC reload retried like a fault: snapshot mmu_notifier_seq',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }, c: Consts): State | null => {
        const v = s.vcpu[p.vcpu]!;
        if (c.apic !== 'startEndRetry' || v.pc !== 'host' || !v.req) return null;
        return { ...s, vcpu: setVcpu(s, p.vcpu, { req: false, pc: 'apic_gup', snap: s.seq, moved: false }) };
      },
    },
    apic_gup: {
      actor: vcpuLane,
      doc: 'gup the APIC access page',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }): State | null => {
        if (s.vcpu[p.vcpu]!.pc !== 'apic_gup') return null;
        const r = hostFault(s);
        if (r === null) return null;
        return { ...s, pte: r.pte, vcpu: setVcpu(s, p.vcpu, { pc: 'apic_lock', held: r.page }) };
      },
    },
    vcpu_apic_check: {
      actor: vcpuLane,
      doc: 'under mmu_lock: retry check, else the VMCS gets the page',
      params: perVcpu,
      next: (s: State, p: { vcpu: number }, c: Consts): State | null => {
        const v = s.vcpu[p.vcpu]!;
        if (v.pc !== 'apic_lock') return null;
        const retry = mustRetry(s, v, c.retry);
        return release(s, p.vcpu, retry ? { pc: 'host', req: true, moved: false } : { pc: 'host', vmcs: v.held, moved: false });
      },
    },
  },
  invariants: {
    /** No spte maps a page that has gone back to the allocator. */
    noSpteMapsFreedPage: (s: State) => !(s.spte === 'P1' && s.p1Freed),
    /** The spte, when present, maps the page the host pte maps (KVM's sptes are a subset of the host page table). */
    spteAgreesWithPte: (s: State) => s.spte === 'none' || s.spte === s.pte,
    /**
     * A vCPU in guest mode has in its VMCS a page that is not freed and, whenever the host pte is present, is the
     * page the pte maps (otherwise APIC accesses are not trapped: the guest sees the raw page, e649b3f0188f).
     */
    apicVmcsAgreesWithPte: (s: State) => s.vcpu.every((v) =>
      v.pc !== 'guest' || v.vmcs === 'none'
      || (!(v.vmcs === 'P1' && s.p1Freed) && (s.pte === 'swap' || s.pte === 'none' || v.vmcs === s.pte))),
    /**
     * A vCPU in guest mode whose EPT maps the APIC gfn has that same page in its VMCS: the mismatch e649b3f0188f
     * describes ("the processor will not trap APIC accesses, and will instead show the raw contents").
     */
    apicVmcsAgreesWithSpte: (s: State) => s.vcpu.every((v) =>
      v.pc !== 'guest' || v.vmcs === 'none' || s.spte === 'none' || v.vmcs === s.spte),
  },
  fairness: {
    /** \A v : WF_vars(vCPU v's steps): a vCPU that can go on does, and the guest keeps touching gfn A. */
    vcpu: wf(VCPU_ACTIONS, { each: 'vcpu' }),
    /** WF_vars(reclaim's steps): the unmapper of gfn A is not preempted for ever. */
    reclaim: wf(RECLAIM_ACTIONS),
    /** WF_vars(B's steps): the invalidator of B is not preempted for ever. */
    invalidatorB: wf(['b_invalidate_range_start', 'b_invalidate_range_end']),
  },
  properties: {
    /** A vCPU that took an EPT violation on gfn A eventually has the spte installed (by itself or another vCPU). */
    faultMaps: forAll((c: Consts) => ({ vcpu: range(c.vcpus) }), ({ vcpu }: { vcpu: number }) =>
      leadsTo((s: State) => s.vcpu[vcpu]!.pc === 'fault_gup', (s: State) => s.spte !== 'none')),
  },
  deadlock: false,
});
