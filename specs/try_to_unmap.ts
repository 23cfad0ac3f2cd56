/**
 * try_to_unmap: the unmapping of one anonymous/file page by mm/rmap.c try_to_unmap_one(), racing with a CPU thread
 * that faults on the same address and with a device whose ATS/PASID translation cache (ATC, "device TLB") walks the
 * CPU page tables through an IOMMU. The question is the 2017 mmu_notifier debate (LKML, "[PATCH 02/13] mm/rmap:
 * update to new mmu_notifier semantic", Jerome Glisse / Andrea Arcangeli / Nadav Amit): must the secondary TLB be
 * invalidated under the page-table lock, right after the pte is cleared, or is it enough to do it in
 * mmu_notifier_invalidate_range_end()? The analysis, the verdict tables and every counterexample retold in kernel
 * terms are in docs/mmu_notifier.md; the domain brief is ../shared/domain/mmu_notifier.md.
 *
 * ── Versions (constant `version`) ────────────────────────────────────────────────────────────────────────────────
 *   V0    up to 4.10: no range_start/end; pte cleared, put_page, PTL released, and only then
 *         mmu_notifier_invalidate_page(mm, address) (skipped when ret == SWAP_FAIL).
 *   V0p   4.11-4.12 (c7ab0d2fdc84): invalidate_page inside the page_vma_mapped_walk loop, after put_page, under the
 *         PTL; the paths leaving the loop with `break` (error path, MADV_FREE redirtied) skip it.
 *   V1    Andrea's proposal in the thread (never merged): range_start/end only; the device TLB is invalidated only by
 *         the ->invalidate_range call made from inside mmu_notifier_invalidate_range_end.
 *   V2    4.13-4.14 (369ea8242c0f): explicit mmu_notifier_invalidate_range(address, address+PAGE_SIZE) at discard:,
 *         after put_page, under the PTL; the error path has only the comment "We have to invalidate as we cleared
 *         the pte"; then the full range_end, which invalidates again.
 *   V3    4.15-6.5 (0f10851ea475): the explicit call moved into the swap-out, MADV_FREE-clean and error branches
 *         (before put_page); none for file pages, none for migration; still the full range_end.
 *   V3oe  V3 with mmu_notifier_invalidate_range_only_end (4645b9fe84bf) in place of range_end: the variant the
 *         brief asks about (only_end was never used in try_to_unmap_one).
 *   V4    6.6 on (6bbd42e2df8f, ec8832d007cb, 1af5a8109904): the secondary TLB is invalidated from the arch TLB
 *         flush: ptep_clear_flush -> flush_tlb_mm_range -> mmu_notifier_arch_invalidate_secondary_tlbs(page);
 *         batched: arch_tlbbatch_add_pending -> ...secondary_tlbs(mm, 0, -1UL) when the flush is queued (under the
 *         PTL); range_end no longer invalidates; no explicit calls left in mm/rmap.c.
 *
 * ── Branches (constant `branch`, 4.15 mm/rmap.c shape; the same branch set is used for every version) ───────────
 *   swap-out     anon page in the swap cache: install a swap entry.
 *   madv-clean   MADV_FREE page (!PageSwapBacked), clean: drop it, pte stays none, goto discard.
 *   madv-dirty   MADV_FREE page redirtied: restore the original pte (same page), SetPageSwapBacked, fail.
 *   error        PageSwapBacked != PageSwapCache: WARN, fail, release the PTL; the pte stays cleared.
 *   file         file-backed page: no pte replacement; the page stays locked in the page cache until reclaim.
 *   migration    TTU_MIGRATION: install a migration entry; the caller (migrate_pages) installs the new page.
 *   V0 is 4.10 code, which has no error branch and treats a redirtied lazy-free page as an ordinary swap-out; the two
 *   failure branches are mapped onto 4.10's failure exit (`ret = SWAP_FAIL; goto out_unmap`, which skips
 *   invalidate_page), so every version sees the same six situations.
 *
 * ── Actions → kernel ─────────────────────────────────────────────────────────────────────────────────────────────
 * The unmapper is a program counter per address (`pc`) running through the step list of its version and branch
 * (stepsFor below); every step is its own atomic action, named after the kernel function, parameter `addr`:
 *   mmu_notifier_invalidate_range_start  V1..V4. No effect on an ATC device (AMD IOMMUv2 and Intel SVM implement
 *                                        only ->invalidate_range); it is a step so that traces show it.
 *   page_vma_mapped_walk                 takes the PTL (V0: page_check_address). The PTL is held from here until
 *                                        pte_unmap_unlock, derived from pc (no lock variable).
 *   ptep_clear_flush                     clear the pte and flush every CPU TLB for va at once (V4: and the
 *                                        secondary TLB for [va, va+PAGE_SIZE), from flush_tlb_mm_range).
 *   ptep_get_and_clear                   TTU_BATCH_FLUSH (should_defer_flush): clear the pte, no CPU flush;
 *                                        set_tlb_ubc_flush_pending records it (V4: arch_tlbbatch_add_pending
 *                                        invalidates the secondary TLB for 0..-1UL here, under the PTL).
 *   set_swap_pte | madv_free_discard | restore_pte | swapbacked_mismatch | dec_mm_counter_file | set_migration_pte
 *                                        the branch work (see Branches).
 *   mmu_notifier_invalidate_range        the explicit call (V2 after put_page; V3/V3oe inside the branches).
 *   page_remove_rmap                     drops the mapcount (not modelled: nothing here depends on it).
 *   put_page                             drops the mapping's page reference; the page is freed at refcount 0.
 *   mmu_notifier_invalidate_page         V0 (after the PTL is released) and V0p (before, under the PTL).
 *   pte_unmap_unlock                     releases the PTL (page_vma_mapped_walk_done on the `break` paths).
 *   mmu_notifier_invalidate_range_end    V1/V2/V3: calls ->invalidate_range (the implicit invalidation); V4: not.
 *   mmu_notifier_invalidate_range_only_end  V3oe: range_end without ->invalidate_range.
 *   try_to_unmap_flush                   the caller (shrink_page_list) flushes the batched CPU TLB flush: every
 *                                        CPU TLB entry (arch_tlbbatch_flush flushes whole TLBs).
 *   remove_migration_ptes                migration caller: the new page replaces the migration entry.
 *   caller_release_page                  the caller is done with the page: __remove_mapping drops the swap-cache /
 *                                        page-cache reference (success paths), unlock_page, and the caller's
 *                                        isolation reference is dropped (constant callerRef); P1 is freed when its
 *                                        refcount reaches 0.
 *   racer_tlb_fill(cpu, addr)            a racing CPU thread touches va and its TLB caches the present pte.
 *   racer_fault(cpu, addr)               the same thread faults (its TLB has no entry, the pte is not present), as
 *                                        one atomic action under the PTL (handle_pte_fault): pte none & anon ->
 *                                        do_anonymous_page installs a new page P2; swap entry -> do_swap_page
 *                                        waits for the page lock held by reclaim, then reads into a new page;
 *                                        file pte none -> filemap_fault waits for the page lock, then reads into
 *                                        a new page; migration entry -> waits (migration_entry_wait).
 *   device_fill(dev, addr)               ATS translation request: the IOMMU walks the CPU page table (no lock) and
 *                                        the ATC caches va -> page while the pte is present.
 *   device_pasid_deactivate / device_pasid_activate (dev)   only in the Intel "deferred invalidation" mode.
 *   terminated                           a stutter step once every unmapper is done, so deadlock checking stays
 *                                        on: a state with no successor would mean an unmapper got stuck.
 * The IOMMU's invalidation is synchronous (AMD: flush command + completion wait) and so happens inside the kernel
 * step that calls ->invalidate_range. Device accesses through a cached entry change no modelled state; the
 * invariants judge the ATC contents instead (an entry that maps a freed page can be used at any time).
 *
 * ── Abstracted away, and why ─────────────────────────────────────────────────────────────────────────────────────
 *  - One virtual address per unmapper (constant `addresses`, 1 or 2; 2 gives Documentation/mm/mmu_notifier.rst
 *    case B: two unmappers on two addresses, each with its own pages). Two pages per address: P1 (`old`, being
 *    unmapped) and P2 (`new`, whatever a later fault installs: the zero page on a read, a fresh anon page, the
 *    page a swap-in or file read allocates, or the migration target). P2 is never freed here.
 *  - Page state is the refcount of P1 only: 1 for the mapping, +1 for the caller's isolation reference (callerRef),
 *    +1 for the swap cache / page cache on the swap-out and file branches (so put_page in try_to_unmap_one is never
 *    the last one there, whatever the caller does). Freed == refcount 0. Flags, mapcount and dirty bits are fixed
 *    per branch (the branch constant selects them) and not state.
 *  - The page lock is held by the caller from before try_to_unmap until caller_release_page (derived from pc).
 *    The kernel unlocks in __remove_mapping before the final try_to_unmap_flush(); here the unlock comes with the
 *    release, after the flush. A fault let in earlier could only install P2 while P1 is still allocated and
 *    already invalidated from every model of a secondary TLB in which range_end ran, so no verdict depends on it.
 *  - A swap-in that finds P1 in the swap cache before reclaim's __remove_mapping keeps P1 (reclaim then fails the
 *    refcount freeze and the fault maps P1 again): not modelled, it can only map the same page again.
 *  - A fault is atomic under the PTL; a TLB fill (CPU or device) is atomic with respect to the pte (the ATS
 *    protocol's handling of in-flight translations against an invalidation is assumed correct).
 *  - Device page requests (PRI) for an absent pte are handled like CPU faults; the racer threads stand for them.
 *  - Racers (constant `racers`, 0..3) have their own TLB each; devices (constant `devices`, 1..3) their own ATC.
 *  - Each unmapper issues its own invalidations; V4's flush-all also clears the other address's entries.
 *  - Intel "deferred invalidation" (iommu = 'intel-deferred'): a device's PASID is active or not; ->invalidate_range
 *    for an inactive PASID is skipped and marked pending (`dinv`). Two open hardware questions are parameters:
 *    inactiveMayCache (false: deactivation drops the device's cached entries) and reactivateFlushes (true: the
 *    pending invalidation is carried out when the PASID is reactivated, before any use). An entry whose deferred
 *    invalidation will be carried out before use is dead: the invariants ignore it.
 */
import { defineSpec, range, t, oneOf } from '#tlats';
import type { ConfigDef, ConstValues } from '#tlats';

const VERSIONS = ['V0', 'V0p', 'V1', 'V2', 'V3', 'V3oe', 'V4'] as const;
const BRANCHES = ['swap-out', 'madv-clean', 'madv-dirty', 'error', 'file', 'migration'] as const;
type Version = (typeof VERSIONS)[number];
type Branch = (typeof BRANCHES)[number];

const STEPS = [
  'mmu_notifier_invalidate_range_start',
  'page_vma_mapped_walk',
  'ptep_clear_flush',
  'ptep_get_and_clear',
  'set_swap_pte',
  'madv_free_discard',
  'restore_pte',
  'swapbacked_mismatch',
  'dec_mm_counter_file',
  'set_migration_pte',
  'mmu_notifier_invalidate_range',
  'page_remove_rmap',
  'put_page',
  'mmu_notifier_invalidate_page',
  'pte_unmap_unlock',
  'mmu_notifier_invalidate_range_end',
  'mmu_notifier_invalidate_range_only_end',
  'try_to_unmap_flush',
  'remove_migration_ptes',
  'caller_release_page',
] as const;
type StepName = (typeof STEPS)[number];
type Pc = StepName | 'done';

/** What the pte for an address holds: nothing, P1 ('old'), P2 ('new'), a swap entry, a migration entry. */
type Pte = 'none' | 'old' | 'new' | 'swap' | 'migr';
/** A TLB entry (CPU TLB or device ATC) for an address. */
type Entry = 'none' | 'old' | 'new';

interface State {
  /** The unmapper of each address: the next step it takes ('done' when try_to_unmap and its caller are through). */
  pc: Pc[];
  pte: Pte[];
  /** P1's reference count per address; P1 is freed when it reaches 0. */
  oldRef: number[];
  /** set_tlb_ubc_flush_pending: a batched CPU flush is pending (per unmapper: current->tlb_ubc). */
  flushPending: boolean[];
  /** cpuTlb[cpu][addr] */
  cpuTlb: Entry[][];
  /** atc[dev][addr]: the device's translation cache. */
  atc: Entry[][];
  /** Intel deferred mode: the device's PASID is active; always true for AMD. */
  active: boolean[];
  /** Intel deferred mode: an invalidation was skipped while the PASID was inactive. */
  dinv: boolean[];
  /** flushed[dev][addr]: the IOMMU has carried out an invalidation of addr on dev since addr's pte was cleared. */
  flushed: boolean[][];
  /** Secondary invalidations issued by the unmapper of each address (->invalidate_range, invalidate_page, arch hook). */
  invCount: number[];
  /** The order in which racers installed a new page at each address (0: not yet), for case B. */
  newOrder: number[];
}

const constants = {
  version: oneOf(VERSIONS, 'V3', 'which kernel: V0 (<=4.10), V0p (4.11-4.12), V1 (Andrea), V2 (4.13-4.14), V3 (4.15-6.5), V3oe (V3 with invalidate_range_only_end), V4 (6.6+)'),
  branch: oneOf(BRANCHES, 'swap-out', 'which path try_to_unmap_one takes after clearing the pte'),
  callerRef: { default: true as boolean, doc: 'the caller holds its isolation reference on P1 (reclaim and migration do)' },
  deferFlush: { default: true as boolean, doc: 'TTU_BATCH_FLUSH: reclaim defers the CPU TLB flush (never for migration)' },
  iommu: oneOf(['amd', 'intel-deferred'] as const, 'amd', 'amd: ->invalidate_range always flushes; intel-deferred: skipped while the PASID is inactive'),
  inactiveMayCache: { default: true as boolean, doc: 'intel-deferred: an inactive PASID may keep cached entries' },
  reactivateFlushes: { default: false as boolean, doc: 'intel-deferred: reactivating a PASID carries out the skipped invalidation' },
  flushAllIgnored: { default: false as boolean, doc: 'V4: the driver ignores the flush-all range 0..-1UL (the vt-d overflow, Nov 2023)' },
  racers: { default: 1 as number, values: [0, 1, 2, 3], doc: 'racing CPU threads, each with its own TLB' },
  devices: { default: 1 as number, values: [1, 2, 3], doc: 'devices with an ATS/PASID translation cache' },
  addresses: { default: 1 as number, values: [1, 2], doc: 'addresses, each with its own unmapper and pages (2: case B)' },
};
type Consts = ConstValues<typeof constants>;

// ── The unmapper's step list ─────────────────────────────────────────────────────────────────────────────────────

const explicitInBranch = (v: Version) => v === 'V3' || v === 'V3oe';
const discards = (b: Branch) => b !== 'madv-dirty' && b !== 'error';
/** The clear is batched for reclaim with TTU_BATCH_FLUSH; migration always uses ptep_clear_flush. */
const batched = (c: Consts) => c.deferFlush && c.branch !== 'migration';

export function stepsFor(c: Consts): StepName[] {
  const v = c.version as Version;
  const b = c.branch as Branch;
  const out: StepName[] = [];
  if (v !== 'V0' && v !== 'V0p') out.push('mmu_notifier_invalidate_range_start');
  out.push('page_vma_mapped_walk');
  out.push(batched(c) ? 'ptep_get_and_clear' : 'ptep_clear_flush');
  const inv = explicitInBranch(v);
  switch (b) {
    case 'swap-out': out.push('set_swap_pte', ...(inv ? ['mmu_notifier_invalidate_range' as const] : [])); break;
    case 'madv-clean': out.push(...(inv ? ['mmu_notifier_invalidate_range' as const] : []), 'madv_free_discard'); break;
    case 'madv-dirty': out.push('restore_pte'); break;
    case 'error': out.push('swapbacked_mismatch', ...(inv ? ['mmu_notifier_invalidate_range' as const] : [])); break;
    case 'file': out.push('dec_mm_counter_file'); break;
    case 'migration': out.push('set_migration_pte'); break;
  }
  if (discards(b)) {
    out.push('page_remove_rmap', 'put_page');
    if (v === 'V2') out.push('mmu_notifier_invalidate_range');
    if (v === 'V0p') out.push('mmu_notifier_invalidate_page');
  }
  out.push('pte_unmap_unlock');
  if (v === 'V0' && discards(b)) out.push('mmu_notifier_invalidate_page');
  if (v === 'V3oe') out.push('mmu_notifier_invalidate_range_only_end');
  else if (v !== 'V0' && v !== 'V0p') out.push('mmu_notifier_invalidate_range_end');
  if (batched(c)) out.push('try_to_unmap_flush');
  if (b === 'migration') out.push('remove_migration_ptes');
  out.push('caller_release_page');
  return out;
}

interface Plan {
  steps: StepName[];
  next: Map<Pc, Pc>;
  index: Map<Pc, number>;
  walk: number;
  clear: number;
  unlock: number;
}
const plans = new Map<string, Plan>();
function planFor(c: Consts): Plan {
  const key = `${c.version}|${c.branch}|${batched(c)}`;
  let p = plans.get(key);
  if (!p) {
    const steps = stepsFor(c);
    const next = new Map<Pc, Pc>();
    const index = new Map<Pc, number>();
    steps.forEach((s, i) => { next.set(s, steps[i + 1] ?? 'done'); index.set(s, i); });
    index.set('done', steps.length);
    const find = (...names: StepName[]) => steps.findIndex((s) => names.includes(s));
    p = { steps, next, index, walk: find('page_vma_mapped_walk'), clear: find('ptep_clear_flush', 'ptep_get_and_clear'), unlock: find('pte_unmap_unlock') };
    plans.set(key, p);
  }
  return p;
}

/** The unmapper of `a` holds the PTL: it has taken page_vma_mapped_walk and not yet pte_unmap_unlock. */
function holdsPtl(s: State, c: Consts, a: number): boolean {
  const p = planFor(c);
  const i = p.index.get(s.pc[a]!)!;
  return i > p.walk && i <= p.unlock;
}
/** The pte of `a` has been cleared by its unmapper (P1 unmapped at a). */
function cleared(s: State, c: Consts, a: number): boolean {
  const p = planFor(c);
  return p.index.get(s.pc[a]!)! > p.clear;
}
/** The caller holds P1's page lock until caller_release_page. */
const pageLocked = (s: State, a: number) => s.pc[a] !== 'done';

function clone(s: State): State {
  return {
    pc: s.pc.slice(), pte: s.pte.slice(), oldRef: s.oldRef.slice(), flushPending: s.flushPending.slice(),
    cpuTlb: s.cpuTlb.map((r) => r.slice()), atc: s.atc.map((r) => r.slice()), active: s.active.slice(),
    dinv: s.dinv.slice(), flushed: s.flushed.map((r) => r.slice()), invCount: s.invCount.slice(),
    newOrder: s.newOrder.slice(),
  };
}

/**
 * One secondary-TLB invalidation issued by the unmapper of `a` (->invalidate_range, ->invalidate_page or the V4
 * arch hook), for the page at `a` or for the whole mm. Mutates `n`.
 */
function secondaryInvalidate(n: State, c: Consts, a: number, whole: boolean): void {
  n.invCount[a] = Math.min(3, n.invCount[a]! + 1);
  if (whole && c.flushAllIgnored) return; // the driver computes an empty range from 0..-1UL
  const targets = whole ? range(c.addresses) : [a];
  for (let d = 0; d < c.devices; d++) {
    if (c.iommu === 'intel-deferred' && !n.active[d]) { n.dinv[d] = true; continue; }
    for (const b of targets) {
      n.atc[d]![b] = 'none';
      // Every invalidation an unmapper issues comes after its own pte clear (V4's comes in the clearing step itself,
      // before pc moves on); another address counts only once its unmapper has cleared its pte.
      if (b === a || cleared(n, c, b)) n.flushed[d]![b] = true;
    }
  }
}

/** The device's entry for `a` as far as its future use goes: one whose deferred invalidation will be done first is dead. */
function liveEntry(s: State, c: Consts, d: number, a: number): Entry {
  if (c.iommu === 'intel-deferred' && s.dinv[d] && c.reactivateFlushes) return 'none';
  return s.atc[d]![a]!;
}

function cacheRef(b: Branch): number {
  return b === 'swap-out' || b === 'file' ? 1 : 0;
}

/** The effect of one unmapper/caller step on the copy `n` (pc already advanced is not assumed). */
function applyStep(n: State, c: Consts, a: number, step: StepName): void {
  const v = c.version as Version;
  const b = c.branch as Branch;
  switch (step) {
    case 'mmu_notifier_invalidate_range_start': break;
    case 'page_vma_mapped_walk': break;
    case 'ptep_clear_flush':
      n.pte[a] = 'none';
      for (const tlb of n.cpuTlb) tlb[a] = 'none';
      if (v === 'V4') secondaryInvalidate(n, c, a, false);
      break;
    case 'ptep_get_and_clear':
      n.pte[a] = 'none';
      n.flushPending[a] = true;
      if (v === 'V4') secondaryInvalidate(n, c, a, true);
      break;
    case 'set_swap_pte': n.pte[a] = 'swap'; break;
    case 'madv_free_discard': break;
    case 'restore_pte': n.pte[a] = 'old'; break;
    case 'swapbacked_mismatch': break;
    case 'dec_mm_counter_file': break;
    case 'set_migration_pte': n.pte[a] = 'migr'; break;
    case 'mmu_notifier_invalidate_range': secondaryInvalidate(n, c, a, false); break;
    case 'page_remove_rmap': break;
    case 'put_page': n.oldRef[a] = n.oldRef[a]! - 1; break;
    case 'mmu_notifier_invalidate_page': secondaryInvalidate(n, c, a, false); break;
    case 'pte_unmap_unlock': break;
    case 'mmu_notifier_invalidate_range_end':
      if (v !== 'V4') secondaryInvalidate(n, c, a, false);
      break;
    case 'mmu_notifier_invalidate_range_only_end': break;
    case 'try_to_unmap_flush':
      for (const tlb of n.cpuTlb) tlb.fill('none');
      n.flushPending[a] = false;
      break;
    case 'remove_migration_ptes': n.pte[a] = 'new'; break;
    case 'caller_release_page': {
      const success = discards(b);
      n.oldRef[a] = n.oldRef[a]! - (c.callerRef ? 1 : 0) - (success ? cacheRef(b) : 0);
      break;
    }
  }
}

// ── Actors: the lanes of a trace, as the race is drawn on the list ───────────────────────────────────────────────
// The unmapping CPU (try_to_unmap_one), its caller (reclaim: shrink_page_list, or migrate_pages on the migration
// branch), the IOMMU (the secondary-TLB invalidations, synchronous inside the step that calls ->invalidate_range,
// and the Intel PASID state), the racing CPUs CPU1.., and the devices. With two addresses, the unmapper and its
// caller on each are their own lanes (unmapper0, unmapper1, ...).

/** The steps run by try_to_unmap's caller rather than by try_to_unmap_one. */
const CALLER_STEPS: ReadonlySet<StepName> = new Set(['try_to_unmap_flush', 'remove_migration_ptes', 'caller_release_page']);
/** The steps whose work is the IOMMU's: they invalidate the secondary TLB (V4: none, its range_end does nothing). */
const IOMMU_STEPS: ReadonlySet<StepName> = new Set(['mmu_notifier_invalidate_range', 'mmu_notifier_invalidate_page', 'mmu_notifier_invalidate_range_end']);

function stepActor(step: StepName, addr: number, c: Consts): string {
  const which = c.addresses > 1 ? String(addr) : '';
  if (CALLER_STEPS.has(step)) return `reclaim${which}`;
  if (IOMMU_STEPS.has(step) && !(c.version === 'V4' && step === 'mmu_notifier_invalidate_range_end')) return 'IOMMU';
  return `unmapper${which}`;
}

/** One line per step, for the trace: what the kernel does there. */
const STEP_DOCS: Record<StepName, string> = {
  mmu_notifier_invalidate_range_start: 'range_start: nothing for an ATC device (only ->invalidate_range is implemented)',
  page_vma_mapped_walk: 'find the pte and take the PTL',
  ptep_clear_flush: 'clear the pte and flush every CPU TLB (V4: and the secondary TLB)',
  ptep_get_and_clear: 'TTU_BATCH_FLUSH: clear the pte, CPU flush deferred (V4: secondary TLB invalidated 0..-1UL)',
  set_swap_pte: 'swap-out: install the swap entry',
  madv_free_discard: 'MADV_FREE, clean: drop the page, the pte stays none',
  restore_pte: 'MADV_FREE redirtied: restore the pte, fail',
  swapbacked_mismatch: 'PageSwapBacked != PageSwapCache: WARN and fail, the pte stays cleared',
  dec_mm_counter_file: 'file page: drop the rss counter, the page stays in the page cache',
  set_migration_pte: 'migration: install the migration entry',
  mmu_notifier_invalidate_range: 'explicit ->invalidate_range: the IOMMU flushes the ATC for the page and waits',
  page_remove_rmap: 'drop the mapcount',
  put_page: "drop the mapping's page reference",
  mmu_notifier_invalidate_page: 'invalidate_page: the IOMMU flushes the ATC for the page',
  pte_unmap_unlock: 'release the PTL',
  mmu_notifier_invalidate_range_end: 'range_end: ->invalidate_range, the IOMMU flushes the ATC (V4: nothing)',
  mmu_notifier_invalidate_range_only_end: 'range_only_end: no ->invalidate_range',
  try_to_unmap_flush: 'shrink_page_list flushes the batched CPU TLB flush',
  remove_migration_ptes: 'migrate_pages: the new page replaces the migration entry',
  caller_release_page: 'the caller releases the page (__remove_mapping, unlock_page, isolation reference)',
};

function unmapperAction(step: StepName) {
  return {
    actor: ({ addr }: { addr: number }, c: Consts) => stepActor(step, addr, c),
    doc: STEP_DOCS[step],
    params: (c: Consts) => ({ addr: range(c.addresses) }),
    next: (s: State, p: { addr: number }, c: Consts): State | null => {
      const a = p.addr;
      if (s.pc[a] !== step) return null;
      const n = clone(s);
      applyStep(n, c, a, step);
      n.pc[a] = planFor(c).next.get(step)!;
      return n;
    },
  };
}

const unmapperActions = Object.fromEntries(STEPS.map((step) => [step, unmapperAction(step)])) as Record<StepName, ReturnType<typeof unmapperAction>>;

// ── Configurations ──────────────────────────────────────────────────────────────────────────────────────────────

const SOURCE = 'docs/mmu_notifier.md, section "Hand analysis" (derived from the kernel code and the thread before running)';

/** The properties an expectation may name: the invariants below (a misspelt one is a type error). */
type Invariant = 'noSecondaryTlbMapsFreedPage' | 'cpuAndDeviceAgree' | 'secondaryFlushedBeforeFree' | 'singleSecondaryInvalidation'
  | 'noCpuTlbMapsFreedPage' | 'deviceSeesWritesInOrder';
type Violations = Partial<Record<Invariant | 'deadlock', number>>;
/**
 * The expected shortest counterexamples (states, initial state included) at the baseline: AMD IOMMU, caller
 * reference held, one racer, one device, batched CPU flush for reclaim (migration never batches), one address.
 * Each figure is argued in docs/mmu_notifier.md.
 */
const BASELINE: Record<Version, Record<Branch, Violations>> = {
  V0: {
    'swap-out': {}, 'madv-clean': { cpuAndDeviceAgree: 9 }, 'madv-dirty': {}, error: { cpuAndDeviceAgree: 7 },
    file: {}, migration: {},
  },
  V0p: {
    'swap-out': {}, 'madv-clean': {}, 'madv-dirty': {}, error: { cpuAndDeviceAgree: 7 }, file: {}, migration: {},
  },
  V1: {
    'swap-out': {}, 'madv-clean': { cpuAndDeviceAgree: 10 }, 'madv-dirty': {}, error: { cpuAndDeviceAgree: 8 },
    file: {}, migration: {},
  },
  V2: {
    'swap-out': { singleSecondaryInvalidation: 10 }, 'madv-clean': { singleSecondaryInvalidation: 10 },
    'madv-dirty': {}, error: { cpuAndDeviceAgree: 8 }, file: { singleSecondaryInvalidation: 10 },
    migration: { singleSecondaryInvalidation: 10 },
  },
  V3: {
    'swap-out': { singleSecondaryInvalidation: 10 }, 'madv-clean': { singleSecondaryInvalidation: 10 },
    'madv-dirty': {}, error: { singleSecondaryInvalidation: 8 }, file: {}, migration: {},
  },
  V3oe: {
    'swap-out': {}, 'madv-clean': {}, 'madv-dirty': {}, error: {},
    file: { secondaryFlushedBeforeFree: 11, noSecondaryTlbMapsFreedPage: 12, cpuAndDeviceAgree: 13 },
    migration: { cpuAndDeviceAgree: 11, secondaryFlushedBeforeFree: 11, noSecondaryTlbMapsFreedPage: 12 },
  },
  V4: { 'swap-out': {}, 'madv-clean': {}, 'madv-dirty': {}, error: {}, file: {}, migration: {} },
};

function cfg(constants: Partial<Consts>, violated: Violations, doc: string): ConfigDef<Consts, Invariant> {
  return { constants, doc, expect: { source: SOURCE, violated } };
}

const configs: Record<string, ConfigDef<Consts, Invariant>> = {};
for (const version of VERSIONS) {
  for (const branch of BRANCHES) {
    configs[`${version}.${branch}`] = cfg({ version, branch }, BASELINE[version][branch],
      `${version}, ${branch}, baseline parameters (AMD, caller reference, one racer, one device, batched reclaim flush)`);
  }
}
const focused: [string, Partial<Consts>, Violations, string][] = [
  ['V0.madv-clean.noref', { version: 'V0', branch: 'madv-clean', callerRef: false },
    { secondaryFlushedBeforeFree: 6, noSecondaryTlbMapsFreedPage: 7, noCpuTlbMapsFreedPage: 7, cpuAndDeviceAgree: 9 },
    'Andrea\'s condition removed: put_page in try_to_unmap_one is the last reference'],
  ['V1.madv-clean.noref', { version: 'V1', branch: 'madv-clean', callerRef: false },
    { secondaryFlushedBeforeFree: 7, noSecondaryTlbMapsFreedPage: 8, noCpuTlbMapsFreedPage: 8, cpuAndDeviceAgree: 10 },
    'V1 without the caller reference'],
  ['V2.madv-clean.noref', { version: 'V2', branch: 'madv-clean', callerRef: false },
    { secondaryFlushedBeforeFree: 7, noSecondaryTlbMapsFreedPage: 8, noCpuTlbMapsFreedPage: 8, singleSecondaryInvalidation: 10 },
    'V2 calls mmu_notifier_invalidate_range after put_page'],
  ['V3.madv-clean.noref', { version: 'V3', branch: 'madv-clean', callerRef: false },
    { noCpuTlbMapsFreedPage: 9, singleSecondaryInvalidation: 10 },
    'V3 calls it before put_page: the device is safe, the batched CPU flush is not'],
  ['V4.madv-clean.noref', { version: 'V4', branch: 'madv-clean', callerRef: false },
    { noCpuTlbMapsFreedPage: 8 }, 'V4: the secondary TLB follows the CPU flush queueing, the CPU TLB still needs the reference'],
  ['V4.madv-clean.noref.nodefer', { version: 'V4', branch: 'madv-clean', callerRef: false, deferFlush: false },
    {}, 'V4 with ptep_clear_flush: nothing relies on the caller reference'],
  ['V3.migration.noref', { version: 'V3', branch: 'migration', callerRef: false },
    { secondaryFlushedBeforeFree: 7, noSecondaryTlbMapsFreedPage: 8 },
    'V3 has no explicit call for migration: it relies on the migration caller\'s reference'],
  ['V1.swap-out.noref', { version: 'V1', branch: 'swap-out', callerRef: false },
    {}, 'the swap-cache reference alone keeps put_page from being the last one'],
  ['V1.madv-clean.nodefer', { version: 'V1', branch: 'madv-clean', deferFlush: false },
    { cpuAndDeviceAgree: 10 }, 'the CPU flush mode does not matter to the device'],
  ['V4.swap-out.flushall-ignored', { version: 'V4', branch: 'swap-out', flushAllIgnored: true },
    { secondaryFlushedBeforeFree: 11, noSecondaryTlbMapsFreedPage: 12, cpuAndDeviceAgree: 13 },
    'the vt-d bug: arch_tlbbatch_add_pending\'s 0..-1UL invalidates nothing'],
  ['V4.madv-clean.flushall-ignored', { version: 'V4', branch: 'madv-clean', flushAllIgnored: true },
    { cpuAndDeviceAgree: 10, secondaryFlushedBeforeFree: 11, noSecondaryTlbMapsFreedPage: 12 },
    'the vt-d bug on a MADV_FREE discard'],
  ['V4.swap-out.flushall-ignored.nodefer', { version: 'V4', branch: 'swap-out', flushAllIgnored: true, deferFlush: false },
    {}, 'the vt-d bug does not bite ptep_clear_flush, which invalidates one page'],
  ['V3.swap-out.intel-cache-noflush', { version: 'V3', branch: 'swap-out', iommu: 'intel-deferred', inactiveMayCache: true, reactivateFlushes: false },
    { singleSecondaryInvalidation: 10, secondaryFlushedBeforeFree: 13, noSecondaryTlbMapsFreedPage: 14, cpuAndDeviceAgree: 15 },
    'deferred invalidation, an inactive PASID keeps its entries and reactivation does not flush'],
  ['V3.swap-out.intel-cache-flush', { version: 'V3', branch: 'swap-out', iommu: 'intel-deferred', inactiveMayCache: true, reactivateFlushes: true },
    { singleSecondaryInvalidation: 10, secondaryFlushedBeforeFree: 13 },
    'deferred invalidation, reactivation carries out the skipped invalidation'],
  ['V3.swap-out.intel-nocache', { version: 'V3', branch: 'swap-out', iommu: 'intel-deferred', inactiveMayCache: false, reactivateFlushes: false },
    { singleSecondaryInvalidation: 10, secondaryFlushedBeforeFree: 13 },
    'deferred invalidation, an inactive PASID holds no entries'],
  ['V4.swap-out.intel-cache-noflush', { version: 'V4', branch: 'swap-out', iommu: 'intel-deferred', inactiveMayCache: true, reactivateFlushes: false },
    { secondaryFlushedBeforeFree: 12, noSecondaryTlbMapsFreedPage: 13, cpuAndDeviceAgree: 14 },
    'V4 is no better off with such an IOMMU'],
  ['V1.madv-clean.noracer', { version: 'V1', branch: 'madv-clean', racers: 0 },
    {}, 'without a racing fault nothing can be installed between the PTL release and range_end'],
  ['V1.madv-clean.2addr', { version: 'V1', branch: 'madv-clean', addresses: 2 },
    { cpuAndDeviceAgree: 10, deviceSeesWritesInOrder: 19 }, 'case B of Documentation/mm/mmu_notifier.rst with two addresses'],
  ['V3.madv-clean.2addr', { version: 'V3', branch: 'madv-clean', addresses: 2 },
    { singleSecondaryInvalidation: 10 }, 'case B: the invalidation under the PTL keeps the device\'s view ordered'],
];
for (const [name, constants, violated, doc] of focused) configs[name] = cfg(constants, violated, doc);

// Symmetry (issue 10): the racers and the devices are interchangeable (symmetry Racers, Devices below). The
// figures are orbit counts from a brute-force search independent of the checker: test/symmetry.test.ts runs the
// naive reference search (test/reference-search.ts) with a VIEW that is the least image of the state under every
// permutation of the racers and devices, each written out by hand; the violated lengths are the reference search's
// without symmetry (symmetry does not shorten a shortest behaviour).
const SYMMETRY_SOURCE = 'brute-force orbit count: the reference search over every permutation of the racers and devices (test/symmetry.test.ts)';
configs['V3.swap-out.3racers'] = {
  constants: { version: 'V3', branch: 'swap-out', racers: 3 },
  symmetry: 'exact',
  doc: 'V3 swap-out with three racing CPU threads, one state per orbit of permutations of the racers',
  expect: { source: SYMMETRY_SOURCE, distinct: 70, generated: 138, depth: 17, violated: { singleSecondaryInvalidation: 10 } },
};
configs['V3.swap-out.3racers.2devices'] = {
  constants: { version: 'V3', branch: 'swap-out', racers: 3, devices: 2 },
  symmetry: 'exact',
  doc: 'the same with two devices: permutations of the racers and of the devices',
  expect: { source: SYMMETRY_SOURCE, distinct: 94, generated: 218, depth: 18, violated: { singleSecondaryInvalidation: 10 } },
};

// ── The spec ────────────────────────────────────────────────────────────────────────────────────────────────────

const entrySchema = t.enum('none', 'old', 'new');

export default defineSpec({
  name: 'try_to_unmap',
  description: 'try_to_unmap_one (V0..V4) vs a racing CPU fault and an ATS/PASID device TLB behind an IOMMU',
  constants,
  configs,
  schema: (c: Consts) => t.record({
    pc: t.array(t.enum(...STEPS, 'done'), c.addresses),
    pte: t.array(t.enum('none', 'old', 'new', 'swap', 'migr'), c.addresses),
    oldRef: t.array(t.int(0, 3), c.addresses),
    flushPending: t.array(t.bool(), c.addresses),
    cpuTlb: t.array(t.array(entrySchema, c.addresses), c.racers),
    atc: t.array(t.array(entrySchema, c.addresses), c.devices),
    active: t.array(t.bool(), c.devices),
    dinv: t.array(t.bool(), c.devices),
    flushed: t.array(t.array(t.bool(), c.addresses), c.devices),
    invCount: t.array(t.int(0, 3), c.addresses),
    newOrder: t.array(t.int(0, 2), c.addresses),
  }),
  symmetry: {
    /** The racing CPU threads: each has its own TLB, and none is named anywhere else. */
    Racers: { ids: (c: Consts) => range(c.racers), index: ['cpuTlb'] },
    /** The devices: each has its own ATC, PASID state and flush record. */
    Devices: { ids: (c: Consts) => range(c.devices), index: ['atc', 'active', 'dinv', 'flushed'] },
  },
  init: (c): State => {
    const A = c.addresses;
    const ref = 1 + (c.callerRef ? 1 : 0) + cacheRef(c.branch as Branch);
    return {
      pc: Array.from({ length: A }, () => planFor(c).steps[0]!),
      pte: Array.from({ length: A }, () => 'old' as const),
      oldRef: Array.from({ length: A }, () => ref),
      flushPending: Array.from({ length: A }, () => false),
      cpuTlb: Array.from({ length: c.racers }, () => Array.from({ length: A }, () => 'none' as const)),
      atc: Array.from({ length: c.devices }, () => Array.from({ length: A }, () => 'none' as const)),
      active: Array.from({ length: c.devices }, () => true),
      dinv: Array.from({ length: c.devices }, () => false),
      flushed: Array.from({ length: c.devices }, () => Array.from({ length: A }, () => false)),
      invCount: Array.from({ length: A }, () => 0),
      newOrder: Array.from({ length: A }, () => 0),
    };
  },
  actions: {
    ...unmapperActions,
    racer_tlb_fill: {
      actor: ({ cpu }: { cpu: number }) => `CPU${cpu + 1}`,
      doc: 'a racing thread touches va: its TLB caches the present pte',
      params: (c: Consts) => ({ cpu: range(c.racers), addr: range(c.addresses) }),
      next: (s: State, p: { cpu: number; addr: number }): State | null => {
        const e = s.pte[p.addr]!;
        if (s.cpuTlb[p.cpu]![p.addr] !== 'none' || (e !== 'old' && e !== 'new')) return null;
        const n = clone(s);
        n.cpuTlb[p.cpu]![p.addr] = e;
        return n;
      },
    },
    racer_fault: {
      actor: ({ cpu }: { cpu: number }) => `CPU${cpu + 1}`,
      doc: 'handle_pte_fault under the PTL: a new page P2 is mapped',
      params: (c: Consts) => ({ cpu: range(c.racers), addr: range(c.addresses) }),
      next: (s: State, p: { cpu: number; addr: number }, c: Consts): State | null => {
        const a = p.addr;
        if (s.cpuTlb[p.cpu]![a] !== 'none') return null; // the access hits its TLB: no fault
        if (holdsPtl(s, c, a)) return null; // handle_pte_fault spins on the PTL
        const e = s.pte[a]!;
        let ok: boolean;
        if (e === 'none') ok = c.branch !== 'file' || !pageLocked(s, a); // filemap_fault: lock_page
        else if (e === 'swap') ok = !pageLocked(s, a); // do_swap_page: lock_page on the swap-cache page
        else ok = false; // present: no fault; migration entry: migration_entry_wait
        if (!ok) return null;
        const n = clone(s);
        n.pte[a] = 'new';
        n.newOrder[a] = 1 + s.newOrder.filter((x) => x > 0).length;
        return n;
      },
    },
    device_fill: {
      actor: ({ dev }: { dev: number }, c: Consts) => (c.devices > 1 ? `device${dev}` : 'device'),
      doc: 'ATS translation request: the IOMMU walks the page table, the ATC caches the pte',
      params: (c: Consts) => ({ dev: range(c.devices), addr: range(c.addresses) }),
      next: (s: State, p: { dev: number; addr: number }): State | null => {
        const e = s.pte[p.addr]!;
        if (!s.active[p.dev] || s.atc[p.dev]![p.addr] !== 'none' || (e !== 'old' && e !== 'new')) return null;
        const n = clone(s);
        n.atc[p.dev]![p.addr] = e;
        return n;
      },
    },
    device_pasid_deactivate: {
      actor: 'IOMMU',
      doc: "Intel deferred invalidation: the device's PASID goes inactive",
      params: (c: Consts) => ({ dev: range(c.devices) }),
      next: (s: State, p: { dev: number }, c: Consts): State | null => {
        if (c.iommu !== 'intel-deferred' || !s.active[p.dev]) return null;
        const n = clone(s);
        n.active[p.dev] = false;
        if (!c.inactiveMayCache) n.atc[p.dev]!.fill('none');
        return n;
      },
    },
    device_pasid_activate: {
      actor: 'IOMMU',
      doc: "the device's PASID is active again",
      params: (c: Consts) => ({ dev: range(c.devices) }),
      next: (s: State, p: { dev: number }, c: Consts): State | null => {
        if (c.iommu !== 'intel-deferred' || s.active[p.dev]) return null;
        const n = clone(s);
        n.active[p.dev] = true;
        if (n.dinv[p.dev] && c.reactivateFlushes) {
          for (let a = 0; a < c.addresses; a++) {
            n.atc[p.dev]![a] = 'none';
            if (cleared(n, c, a)) n.flushed[p.dev]![a] = true;
          }
        }
        n.dinv[p.dev] = false;
        return n;
      },
    },
    terminated: {
      actor: (_: {}, c: Consts) => (c.addresses > 1 ? 'unmapper0' : 'unmapper'),
      doc: 'every unmapper is done (a stutter, so that deadlock checking stays on)',
      next: (s: State): State | null => (s.pc.every((x) => x === 'done') ? s : null),
    },
  },
  invariants: {
    noSecondaryTlbMapsFreedPage: (s, c) => {
      for (let d = 0; d < c.devices; d++) {
        for (let a = 0; a < c.addresses; a++) if (liveEntry(s, c, d, a) === 'old' && s.oldRef[a] === 0) return false;
      }
      return true;
    },
    cpuAndDeviceAgree: (s, c) => {
      for (let a = 0; a < c.addresses; a++) {
        const e = s.pte[a];
        if (e !== 'old' && e !== 'new') continue;
        for (let d = 0; d < c.devices; d++) {
          const x = liveEntry(s, c, d, a);
          if (x !== 'none' && x !== e) return false;
        }
      }
      return true;
    },
    secondaryFlushedBeforeFree: (s, c) => {
      for (let a = 0; a < c.addresses; a++) {
        if (s.oldRef[a] !== 0) continue;
        for (let d = 0; d < c.devices; d++) if (!s.flushed[d]![a]) return false;
      }
      return true;
    },
    singleSecondaryInvalidation: (s) => s.invCount.every((n) => n <= 1),
    noCpuTlbMapsFreedPage: (s, c) => {
      for (const tlb of s.cpuTlb) for (let a = 0; a < c.addresses; a++) if (tlb[a] === 'old' && s.oldRef[a] === 0) return false;
      return true;
    },
    /**
     * Case B: a device must not see the new page a racer installed at one address while still seeing the old page
     * at an address whose new page was installed before it.
     */
    deviceSeesWritesInOrder: (s, c) => {
      for (let d = 0; d < c.devices; d++) {
        for (let a = 0; a < c.addresses; a++) {
          for (let b = 0; b < c.addresses; b++) {
            if (a === b || s.newOrder[a] === 0 || s.newOrder[b]! <= s.newOrder[a]!) continue;
            if (liveEntry(s, c, d, b) === 'new' && liveEntry(s, c, d, a) === 'old') return false;
          }
        }
      }
      return true;
    },
  },
});
