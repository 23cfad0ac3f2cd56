/**
 * clear_refs_write() soft-dirty clearing (echo 4 > /proc/PID/clear_refs) against CPU threads and ATS/PASID devices
 * writing one page: can a write escape soft-dirty tracking? Analysis: docs/mmu_notifier.md.
 *
 * One present anonymous pte that always maps the same page (clear_refs never changes the page, only its bits):
 * `writable` and `softDirty` (x86 _PAGE_RW and _PAGE_SOFT_DIRTY). Soft-dirty is a software bit: hardware (the CPU
 * setting _PAGE_DIRTY, or an IOMMU) never sets it; only the kernel does, in pte_mkdirty() on the write-fault path.
 * Tracking therefore rests on the write-protect: the next write must fault. A CPU TLB entry or a device ATC entry
 * that still grants write lets a write through without a fault.
 *
 * Actions -> kernel code they stand for
 *   clear_refs_range_start     clear_refs_write() (fs/proc/task_mmu.c, 4.13-4.15): mmu_notifier_invalidate_range_start(
 *                              mm, 0, -1). The IOMMU SVA drivers (amd_iommu_v2, intel-svm) implement only
 *                              ->invalidate_range, so for the device this step is a no-op; it only orders the others.
 *   clear_soft_dirty           walk_page_range -> clear_refs_pte_range() -> clear_soft_dirty(), under the PTL:
 *                              ptep_modify_prot_start/commit with pte_wrprotect + pte_clear_soft_dirty. No TLB
 *                              flush here. explicitInvalidate: an mmu_notifier_invalidate_range(addr, addr+PAGE_SIZE)
 *                              right after, under the PTL (the call the seed mail suggests; never merged).
 *   clear_refs_range_end       mmu_notifier_invalidate_range_end(mm, 0, -1). notifierEnd=rangeEnd (3.19-6.5): it
 *                              calls ->invalidate_range(mm, 0, -1) first, which invalidates the ATC. onlyEnd: the
 *                              range_end_only flavour (4645b9fe84bf), which skips ->invalidate_range. archFlush (6.6+,
 *                              1af5a8109904): range_end no longer reaches the IOMMU.
 *   clear_refs_flush_tlb       flush_tlb_mm(mm) (4.13-4.15; tlb_finish_mmu in later kernels): cpuFlush=flushTlbMm
 *                              drops every CPU TLB entry; cpuFlush=elided is the 5.6-5.10 regression where
 *                              tlb_finish_mmu() elided the flush (0758cd830494, fixed by 912efa17e512).
 *                              notifierEnd=archFlush: the flush also calls mmu_notifier_arch_invalidate_secondary_tlbs(
 *                              mm, 0, -1UL) (6bbd42e2df8f, 6.6+). The syscall returns after this step.
 *   cpu_write(cpu)             a user store: through a TLB entry with write permission (no page walk, the pte is not
 *                              touched), or a page walk of a writable pte that fills such an entry.
 *   cpu_write_fault(cpu)       the store hits the write-protected pte: do_wp_page -> wp_page_reuse(): pte writable,
 *                              pte_mkdirty() sets soft-dirty; the TLB then holds a writable entry.
 *   device_write(dev)          a DMA write with a translated address: through the ATC entry (deviceWrite=
 *                              cachedNoWalk: the PCIe ATS model, no walk of the CPU page table; walkEachWrite: a device
 *                              that re-checks the pte on every write), or after an ATS translation request that finds
 *                              the pte writable and fills the ATC with write permission.
 *   device_page_request(dev)   the translation finds the pte write-protected: PRI page request, handled by the IOMMU
 *                              driver with handle_mm_fault(FAULT_FLAG_WRITE) (amd_iommu_v2 do_fault, intel-svm
 *                              prq_event_thread): soft-dirty set, the ATC refilled writable.
 *
 * Abstracted away, and why
 *  - One page, one pte: the walk visits ptes one by one under their PTL; each pte's story is independent.
 *  - The PTL is not a variable: clear_soft_dirty and the two fault handlers are atomic steps.
 *  - Read-only TLB/ATC entries and reads: only write permission can let a write skip the fault.
 *  - The hardware dirty bit, and whether a device sets it: soft-dirty never follows it on x86.
 *  - mmap_sem, VM_SOFTDIRTY on the vma (cleared under mmap_sem before the walk), huge pages.
 *  - PASID deferred invalidation (the seed's Intel question) is a driver behaviour like flushAllIgnored; it is a
 *    parameter of docs/mmu_notifier.md's spec, not of this one.
 *  - flushAllIgnored: the IOMMU driver's ->invalidate_range / arch hook mishandles the whole-address-space range
 *    (0, -1UL): the Intel VT-d overflow fixed in Nov 2023 ("iommu/vt-d: Fix incorrect cache invalidation for mm
 *    notification"). Both range_end (0, -1) here and the 6.6 arch flush pass that range; the explicit per-page call
 *    does not.
 *
 * Properties are action properties: an escape is a property of a step (a write that leaves the pte clean), and a
 * ghost variable would only record the same fact in the state, enlarging it. See the docs for the choice.
 * Deadlock: off. After the syscall returns, writers may keep writing (self-loops) or, without writers, nothing is
 * enabled; neither is an error of the protocol.
 */
import { defineSpec, oneOf, range, t } from '#tlats';

const CLEAR_PC = ['idle', 'walk', 'end', 'flush', 'returned'] as const;
type ClearPc = (typeof CLEAR_PC)[number];
const DEVICE_WRITE = ['cachedNoWalk', 'walkEachWrite'] as const;
type DeviceWrite = (typeof DEVICE_WRITE)[number];
const NOTIFIER_END = ['rangeEnd', 'onlyEnd', 'archFlush'] as const;
type NotifierEnd = (typeof NOTIFIER_END)[number];
const CPU_FLUSH = ['flushTlbMm', 'elided'] as const;
type CpuFlush = (typeof CPU_FLUSH)[number];

interface State {
  readonly writable: boolean;
  readonly softDirty: boolean;
  /** the clear_refs_write thread's next step */
  readonly clear: ClearPc;
  /** per CPU thread: its TLB holds a writable entry for the page */
  readonly tlb: readonly boolean[];
  /** per device: its ATC holds a writable entry for the page */
  readonly atc: readonly boolean[];
}

interface Consts {
  readonly cpus: number;
  readonly devices: number;
  readonly deviceWrite: DeviceWrite;
  readonly notifierEnd: NotifierEnd;
  readonly explicitInvalidate: boolean;
  readonly flushAllIgnored: boolean;
  readonly cpuFlush: CpuFlush;
}

const WRITES = new Set(['cpu_write', 'cpu_write_fault', 'device_write', 'device_page_request']);
const noAtc = (s: State) => s.atc.map(() => false);
const set = <T>(a: readonly T[], i: number, v: T): T[] => { const o = a.slice(); o[i] = v; return o; };

const src = (anchor: string) => `docs/mmu_notifier.md#${anchor}`;
const A = 'noUntrackedWriteAfterReturn';
const S = 'noUntrackedWriteAfterWriteProtect';

const configs = {
  cpuOnly: {
    doc: '4.13-4.15 clear_refs_write, one CPU thread, no device',
    constants: { cpus: 1, devices: 0 },
    expect: { source: src('cr-cpuonly'), violated: { [S]: 5 } },
  },
  cpuOnlyFlushElided: {
    doc: '5.6-5.10: tlb_finish_mmu elides the CPU flush (0758cd830494, fixed by 912efa17e512)',
    constants: { cpus: 1, devices: 0, cpuFlush: 'elided' },
    expect: { source: src('cr-cpuonlyflushelided'), violated: { [A]: 7, [S]: 5 } },
  },
  ats: {
    doc: 'an ATS device, range_end calls ->invalidate_range (3.19-6.5)',
    constants: { cpus: 0, devices: 1 },
    expect: { source: src('cr-ats'), violated: { [S]: 5 } },
  },
  atsExplicit: {
    doc: 'plus mmu_notifier_invalidate_range after the write-protect, under the PTL',
    constants: { cpus: 0, devices: 1, explicitInvalidate: true },
    expect: { source: src('cr-atsexplicit') },
  },
  atsOnlyEnd: {
    doc: 'range_end without ->invalidate_range (mmu_notifier_invalidate_range_only_end), no explicit call',
    constants: { cpus: 0, devices: 1, notifierEnd: 'onlyEnd' },
    expect: { source: src('cr-atsonlyend'), violated: { [A]: 7, [S]: 5 } },
  },
  atsOnlyEndExplicit: {
    doc: 'only_end with the explicit call: the combination Andrea proposed in the thread',
    constants: { cpus: 0, devices: 1, notifierEnd: 'onlyEnd', explicitInvalidate: true },
    expect: { source: src('cr-atsexplicit') },
  },
  atsFlushAllIgnored: {
    doc: 'the driver mishandles the (0, -1) range that range_end passes',
    constants: { cpus: 0, devices: 1, flushAllIgnored: true },
    expect: { source: src('cr-atsflushallignored'), violated: { [A]: 7, [S]: 5 } },
  },
  atsFlushAllIgnoredExplicit: {
    constants: { cpus: 0, devices: 1, flushAllIgnored: true, explicitInvalidate: true },
    expect: { source: src('cr-atsexplicit') },
  },
  atsArchFlush: {
    doc: '6.6+: the ATC is invalidated from the CPU TLB flush (arch_invalidate_secondary_tlbs)',
    constants: { cpus: 0, devices: 1, notifierEnd: 'archFlush' },
    expect: { source: src('cr-atsarchflush'), violated: { [S]: 5 } },
  },
  atsArchFlushFlushAllIgnored: {
    doc: '6.6 with the Intel VT-d -1UL overflow (fixed Nov 2023)',
    constants: { cpus: 0, devices: 1, notifierEnd: 'archFlush', flushAllIgnored: true },
    expect: { source: src('cr-atsflushallignored'), violated: { [A]: 7, [S]: 5 } },
  },
  atsArchFlushElided: {
    doc: 'hypothetical: the 5.6-5.10 flush elision in a 6.6+ kernel takes the device flush with it',
    constants: { cpus: 0, devices: 1, notifierEnd: 'archFlush', cpuFlush: 'elided' },
    expect: { source: src('cr-atsarchflushelided'), violated: { [A]: 7, [S]: 5 } },
  },
  atsWalkOnlyEnd: {
    doc: 'a device that re-checks the CPU pte on every write, with no ATC invalidation at all',
    constants: { cpus: 0, devices: 1, notifierEnd: 'onlyEnd', deviceWrite: 'walkEachWrite' },
    expect: { source: src('cr-atswalk') },
  },
  atsWalkFlushAllIgnored: {
    constants: { cpus: 0, devices: 1, flushAllIgnored: true, deviceWrite: 'walkEachWrite' },
    expect: { source: src('cr-atswalk') },
  },
  atsCpu: {
    doc: 'a CPU thread and an ATS device, 3.19-6.5 notifier',
    constants: { cpus: 1, devices: 1 },
    expect: { source: src('cr-ats'), violated: { [S]: 5 } },
  },
  atsCpuExplicit: {
    doc: 'the explicit call closes the device window but not the CPU one',
    constants: { cpus: 1, devices: 1, explicitInvalidate: true },
    expect: { source: src('cr-atscpuexplicit'), violated: { [S]: 5 } },
  },
  atsCpuOnlyEnd: {
    constants: { cpus: 1, devices: 1, notifierEnd: 'onlyEnd' },
    expect: { source: src('cr-atsonlyend'), violated: { [A]: 7, [S]: 5 } },
  },
  ats2OnlyEnd: {
    constants: { cpus: 0, devices: 2, notifierEnd: 'onlyEnd' },
    expect: { source: src('cr-atsonlyend'), violated: { [A]: 7, [S]: 5 } },
  },
  ats2Explicit: {
    constants: { cpus: 0, devices: 2, explicitInvalidate: true },
    expect: { source: src('cr-atsexplicit') },
  },
} as const;

// ── Actors: the lanes of a trace. The thread writing 4 to /proc/pid/clear_refs, each CPU thread (CPU0, ...), each
// device (device0, ...).
const cpuLane = ({ cpu }: { cpu: number }) => `CPU${cpu}`;
const deviceLane = ({ dev }: { dev: number }) => `device${dev}`;
/** A step of clear_refs_write, with its doc. */
function byClearRefs(doc: string, next: (s: State, c: Consts) => State | null) {
  return { actor: 'clear_refs', doc, next: (s: State, _: {}, c: Consts) => next(s, c) };
}

export default defineSpec({
  name: 'clear_refs',
  description: 'clear_refs_write soft-dirty clearing vs CPU TLBs and ATS device TLBs: can a write escape tracking?',
  constants: {
    cpus: { default: 1 as number, doc: 'CPU threads writing the page (0..3)' },
    devices: { default: 1 as number, doc: 'ATS/PASID devices writing the page (0 = no device)' },
    deviceWrite: oneOf(DEVICE_WRITE, 'cachedNoWalk', 'what a device write through a cached writable ATC entry does'),
    notifierEnd: oneOf(NOTIFIER_END, 'rangeEnd', 'where the ATC is invalidated at the end of clear_refs_write'),
    explicitInvalidate: { default: false as boolean, doc: 'mmu_notifier_invalidate_range() after the write-protect' },
    flushAllIgnored: { default: false as boolean, doc: 'the IOMMU driver ignores a (0, -1UL) invalidation' },
    cpuFlush: oneOf(CPU_FLUSH, 'flushTlbMm', 'the CPU TLB flush at the end of clear_refs_write'),
  },
  configs,
  schema: (c) => t.record({
    writable: t.bool(),
    softDirty: t.bool(),
    clear: t.enum(...CLEAR_PC),
    tlb: t.array(t.bool(), c.cpus),
    atc: t.array(t.bool(), c.devices),
  }),
  init: (c): State => ({
    // a page written before: writable, soft-dirty (pte_mkdirty on the first write fault)
    writable: true,
    softDirty: true,
    clear: 'idle',
    tlb: range(c.cpus).map(() => false),
    atc: range(c.devices).map(() => false),
  }),
  actions: {
    // ---------------- clear_refs_write (the clear_refs lane) ----------------
    clear_refs_range_start: byClearRefs('mmu_notifier_invalidate_range_start for the whole mm',
      (s: State): State | null => (s.clear === 'idle' ? { ...s, clear: 'walk' } : null)),
    clear_soft_dirty: byClearRefs('clear_soft_dirty: the pte write-protected, soft-dirty cleared, no flush yet', (s: State, c: Consts): State | null => {
      if (s.clear !== 'walk') return null;
      return { ...s, writable: false, softDirty: false, clear: 'end', atc: c.explicitInvalidate ? noAtc(s) : s.atc };
    }),
    clear_refs_range_end: byClearRefs('mmu_notifier_invalidate_range_end (rangeEnd: the ATC invalidated here)', (s: State, c: Consts): State | null => {
      if (s.clear !== 'end') return null;
      const inv = c.notifierEnd === 'rangeEnd' && !c.flushAllIgnored;
      return { ...s, clear: 'flush', atc: inv ? noAtc(s) : s.atc };
    }),
    clear_refs_flush_tlb: byClearRefs('flush_tlb_mm (archFlush: the secondary TLB invalidated from the arch flush)', (s: State, c: Consts): State | null => {
      if (s.clear !== 'flush') return null;
      const inv = c.notifierEnd === 'archFlush' && !c.flushAllIgnored && c.cpuFlush === 'flushTlbMm';
      return {
        ...s, clear: 'returned',
        tlb: c.cpuFlush === 'flushTlbMm' ? s.tlb.map(() => false) : s.tlb,
        atc: inv ? noAtc(s) : s.atc,
      };
    }),
    // ---------------- CPU threads ----------------
    cpu_write: {
      actor: cpuLane,
      doc: 'a store through the TLB, or a page walk that caches a writable entry',
      params: (c: Consts) => ({ cpu: range(c.cpus) }),
      next: (s: State, p: { cpu: number }): State | null => {
        if (s.tlb[p.cpu]) return s; // through the TLB: the pte is not touched
        if (s.writable) return { ...s, tlb: set(s.tlb, p.cpu, true) }; // page walk, fills a writable entry
        return null;
      },
    },
    cpu_write_fault: {
      actor: cpuLane,
      doc: 'write fault on the write-protected pte: writable again, soft-dirty set',
      params: (c: Consts) => ({ cpu: range(c.cpus) }),
      next: (s: State, p: { cpu: number }): State | null => {
        if (s.tlb[p.cpu] || s.writable) return null;
        return { ...s, writable: true, softDirty: true, tlb: set(s.tlb, p.cpu, true) };
      },
    },
    // ---------------- ATS/PASID devices ----------------
    device_write: {
      actor: deviceLane,
      doc: 'a DMA write: through the ATC, or an ATS translation that grants write',
      params: (c: Consts) => ({ dev: range(c.devices) }),
      next: (s: State, p: { dev: number }, c: Consts): State | null => {
        if (s.atc[p.dev] && c.deviceWrite === 'cachedNoWalk') return s; // translated request, no walk
        if (s.writable) return { ...s, atc: set(s.atc, p.dev, true) }; // ATS translation grants write
        return null;
      },
    },
    device_page_request: {
      actor: deviceLane,
      doc: 'PRI page request: the IOMMU faults the page writable, soft-dirty set',
      params: (c: Consts) => ({ dev: range(c.devices) }),
      next: (s: State, p: { dev: number }, c: Consts): State | null => {
        if ((s.atc[p.dev] && c.deviceWrite === 'cachedNoWalk') || s.writable) return null;
        return { ...s, writable: true, softDirty: true, atc: set(s.atc, p.dev, true) };
      },
    },
  },
  actionProperties: {
    /**
     * The user-visible contract: a write made after clear_refs_write() has returned leaves the pte soft-dirty
     * (CRIU reads the memory after the syscall returns and trusts clean ptes to be unchanged since).
     */
    [A]: (before: State, after: State, step) => !(WRITES.has(step.action) && before.clear === 'returned' && !after.softDirty),
    /**
     * The strict, real-time reading: a write made after this pte was write-protected and cleaned (even while the
     * syscall is still running) leaves it soft-dirty. Stronger than the contract; it measures the windows.
     */
    [S]: (before: State, after: State, step) =>
      !(WRITES.has(step.action) && (before.clear === 'end' || before.clear === 'flush' || before.clear === 'returned') && !after.softDirty),
  },
  deadlock: false,
});
