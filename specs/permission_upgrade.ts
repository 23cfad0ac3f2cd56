/**
 * permission_upgrade: a present read-only pte is made writable (a write fault that reuses the page), while a device
 * behind an IOMMU that walks the CPU page tables (SVA) may hold the read-only translation in its cache. The bug this
 * spec is about is the one of the mmu_notifier history that is not a safety violation: before v6.6, on arm64, the
 * upgrade went through ptep_set_access_flags() -> flush_tlb_page(), which invalidated the CPU TLBs only; an SMMUv3
 * without broadcast TLB maintenance (BTM) kept its read-only entry and "devices will fault indefinitely when writing
 * to a PTE that was previously read-only as nothing invalidates the SMMU TLB" (Alistair Popple's cover letter for the
 * series 6bbd42e2df8f / 1af5a8109904 / ec8832d007cb, v6.6). The question is a liveness one: does every device write
 * eventually complete? Analysis, verdict table and every lasso in kernel terms: docs/mmu_notifier.md section 10.
 *
 * ── Versions and variants (constants) ────────────────────────────────────────────────────────────────────────────
 *   version  pre66  arm64 5.10-6.5 (SVA for SMMUv3 arrived in 5.11, its stall/iopf path in 5.13):
 *                   ptep_set_access_flags (arch/arm64/mm/fault.c) ends with `if (dirty) flush_tlb_page()`, and
 *                   flush_tlb_fix_spurious_fault() is a no-op (Will Deacon, "arm64: mm: Make
 *                   flush_tlb_fix_spurious_fault() a no-op", 5.10). flush_tlb_page -> __flush_tlb_page_nosync:
 *                   TLBI VALE1IS (broadcast to every CPU), no mmu_notifier call.
 *            v66    6.6-6.18: ec8832d007cb adds mmu_notifier_arch_invalidate_secondary_tlbs(mm, addr, addr +
 *                   PAGE_SIZE) to __flush_tlb_page_nosync (arch/arm64/include/asm/tlbflush.h); the arm-smmu-v3-sva
 *                   notifier then sends CMD_TLBI (unless the driver relies on BTM) and CMD_ATC_INV.
 *            v619   6.19+: cb1fa2e99955 ("arm64, tlbflush: don't TLBI broadcast if page reused in write fault",
 *                   Huang Ying): ptep_set_access_flags uses local_flush_tlb_page (TLBI VALE1, this CPU only, plus
 *                   the secondary-TLB notifier); flush_tlb_fix_spurious_fault becomes
 *                   local_flush_tlb_page_nonotify (a CPU that faults on a stale read-only entry flushes its own
 *                   TLB, without notifier).
 *            On x86 every version is the same for the upgrade: arch/x86/mm/pgtable.c ptep_set_access_flags() only
 *            set_pte()s, no flush at all (x86 TLBs do not keep an entry across a fault it caused), and x86 defines
 *            flush_tlb_fix_spurious_fault() as a no-op. The version only moves the copy path's notifier (pre-6.6
 *            ptep_clear_flush_notify, 6.6+ the flush itself), which invalidates in both.
 *   arch     arm64 | x86.
 *   btm      arm64 only: the SMMU implements BTM and the driver enables it (CR2.PTM clear): a broadcast TLBI
 *            (…IS) also invalidates the SMMU TLB; a local TLBI (VALE1, 6.19's upgrade) does not. Mainline never
 *            sets ARM_SMMU_FEAT_BTM (Jean-Philippe Brucker's "iommu/arm-smmu-v3: Enable broadcast TLB
 *            maintenance", v5 15/25 of Apr 2020, was not merged; Anshuman Khandual points this out in his review of
 *            the 2023 series), so `btm` is the hardware the cover letter describes, not a shipped configuration.
 *   btmDriverSkip  the SVA notifier skips its own CMD_TLBI when BTM is set: `if (!(smmu->features &
 *            ARM_SMMU_FEAT_BTM))` in arm_smmu_mm_invalidate_range (5.11-6.5) and
 *            arm_smmu_mm_arch_invalidate_secondary_tlbs (6.6); the check is gone in the 2025 driver (base of Nicolin
 *            Chen's "Perform per-domain invalidations using arm_smmu_invs", Oct 2025). The ATC is always
 *            invalidated (arm_smmu_atc_inv_domain), whatever BTM does.
 *   iommuCachesFaulting  the IOMMU may keep a read-only entry that failed a write's permission check and answer the
 *            retried translation from it, and a walk that ends in a permission fault may leave that entry cached.
 *            true for the SMMUv3 (Arm architecture: only invalid descriptors are never cached; a valid read-only
 *            one may be, and the cover letter: the SMMU TLB "may also cache permission bits"). false is the x86
 *            semantics assumed for VT-d / AMD IOMMUv2 first-level translation: a permission fault drops the cached
 *            translation for that address, as an x86 CPU's page fault does (Intel SDM vol. 3, 4.10.4.1), so the
 *            retry re-walks. With true on x86 the spec asks what would happen to an x86 IOMMU that did cache it.
 *   cow      the page is shared (another mm maps it, e.g. a forked child still running): the write fault copies
 *            (wp_page_copy) instead of reusing (wp_page_reuse). The copy path installs a new page P2 with
 *            ptep_clear_flush_notify (pre-6.6: ptep_clear_flush + mmu_notifier_invalidate_range, then
 *            invalidate_range_only_end; 6.6+: ptep_clear_flush -> flush_tlb_page -> the arch notifier).
 *   copyNotify  false: a mutation, the copy path without the secondary invalidation (never shipped); it shows that
 *            the safety invariants can fail.
 *   cpuSpurious  kernel: as the version says; noop: a mutation, 6.19's local upgrade flush with the old no-op
 *            flush_tlb_fix_spurious_fault (what cb1fa2e99955 had to change too); it shows that the CPU liveness
 *            property can fail.
 *
 * ── Actions → kernel ─────────────────────────────────────────────────────────────────────────────────────────────
 *   cpu_store(c)            a user store by thread c (pinned to CPU c) to va: through its TLB entry if it grants
 *                           write; else a page walk: a writable pte fills the TLB and the store completes; the
 *                           read-only pte raises a permission fault (arm64: the walked read-only entry may stay in
 *                           the TLB; x86: the fault drops it). A cached read-only entry faults without a walk
 *                           (arm64 keeps it across the fault, x86 drops it).
 *   cpu_handle_fault(c)     el0_da -> do_page_fault -> handle_mm_fault(FAULT_FLAG_WRITE) -> handle_pte_fault, under
 *                           the PTL: pte read-only -> do_wp_page -> wp_page_reuse -> ptep_set_access_flags(dirty=1)
 *                           and the arch flush of the version (or, with cow, wp_page_copy); pte already writable
 *                           -> ptep_set_access_flags returns 0 (same pte) -> flush_tlb_fix_spurious_fault.
 *   cpu_retry_store(c)      the faulting instruction re-executed after the return from the exception.
 *   cpu_load(c)             a load by the idle thread: a TLB miss walks the pte and caches it (read-only while the
 *                           pte is): a stale read-only CPU entry after an upgrade that did not flush this CPU.
 *   device_dma_write(d)     the device issues a write to va: the SMMU (or IOMMU) translates it, from its TLB or by a
 *                           walk of the CPU page table (which may cache the entry); a translation without write
 *                           permission is a permission fault: the transaction is stalled (SMMUv3 stall model,
 *                           arm_smmu_handle_evt -> iommu_report_device_fault -> iommu_queue_iopf) or, for a PCIe
 *                           ATS/PRI device, a page request is sent (handled the same way by the kernel).
 *   iopf_handle_fault(d)    the iopf work item: iopf_handler -> iommu_sva_handle_iopf (drivers/iommu/io-pgfault.c,
 *                           5.13; iommu-sva.c later) -> handle_mm_fault(vma, addr, FAULT_FLAG_REMOTE |
 *                           FAULT_FLAG_WRITE): the same code as cpu_handle_fault, run in a kworker (its local flush
 *                           reaches none of the modelled CPUs); then iopf_complete_group -> iommu_page_response ->
 *                           arm_smmu_page_response: CMD_RESUME with RETRY (no TLB invalidation, no SYNC).
 *   smmu_resume_retry(d)    the SMMU retries the stalled transaction (or the device re-requests the translation
 *                           after the PRG response): translated again exactly as in device_dma_write.
 *   device_dma_read(d)      a read by the idle device: a TLB miss walks the CPU page table and caches the entry
 *                           (read-only while the pte is); this is how a read-only entry predates the upgrade.
 *   smmu_tlb_evict(d)       the SMMU drops the entry on its own (capacity): architecturally allowed, never promised.
 *
 * ── Abstracted away, and why ─────────────────────────────────────────────────────────────────────────────────────
 *  - One address, one pte: present read-only (P1) at the start; the upgrade happens once (reuse: P1 writable; cow:
 *    P2 writable) and nothing downgrades it again. mprotect, fork's write-protect, reclaim are other specs.
 *  - The device's ATC (PCIe ATS) is folded into its SMMU/IOMMU TLB entry (one entry per device): an ATC entry
 *    without write permission is not used for a write, the device requests a new translation (and a page request
 *    after a translation without write), so for an upgrade only the IOMMU's TLB can keep answering "read-only".
 *    The SVA notifier invalidates both together (CMD_TLBI + CMD_ATC_INV); BTM covers only the SMMU TLB, which is
 *    the one that matters here.
 *  - The PTL is not a variable: each fault handler is one atomic step (pte update, flush, notifier). A TLB fill is
 *    atomic with respect to the pte and to invalidations (TLBI + DSB / CMD_SYNC complete in-flight walks).
 *  - Device reads happen only while the device has no write outstanding (a stalled stream serialises).
 *  - A CPU thread is a CPU (its TLB is the CPU's); the iopf kworker runs on a CPU of its own.
 *  - young/dirty bits: the upgrade sets both (maybe_mkwrite(pte_mkdirty(pte_mkyoung()))), so a later write fault
 *    on the writable pte finds pte_same() and takes the spurious path. The arm64 hardware-DBM case (a
 *    writable-clean pte the SMMU sees read-only, made dirty by handle_pte_fault's own ptep_set_access_flags) takes
 *    the same flush and is not a separate branch.
 *
 * Properties. Invariants (safety, as in the other specs): no device or CPU entry grants write unless the pte does
 * for that page, and every entry maps the page the pte maps. Temporal (liveness, under the configuration's
 * fairness): every device write and every CPU store eventually completes.
 */
import { defineSpec, forAll, leadsTo, oneOf, range, t, wf } from '#tlats';

const VERSIONS = ['pre66', 'v66', 'v619'] as const;
type Version = (typeof VERSIONS)[number];
const ARCHS = ['arm64', 'x86'] as const;
type Arch = (typeof ARCHS)[number];
const SPURIOUS = ['kernel', 'noop'] as const;
type Spurious = (typeof SPURIOUS)[number];

/** A translation for va: none, P1 read-only, P1 writable, P2 (the copy) writable. The pte is one of the last three. */
const ENTRIES = ['none', 'ro1', 'rw1', 'rw2'] as const;
type Entry = (typeof ENTRIES)[number];
type Pte = Exclude<Entry, 'none'>;
const CPU_PC = ['idle', 'fault', 'retry'] as const;
type CpuPc = (typeof CPU_PC)[number];
const DEV_PC = ['idle', 'stalled', 'retry'] as const;
type DevPc = (typeof DEV_PC)[number];

interface State {
  readonly pte: Pte;
  readonly cpu: readonly CpuPc[];
  readonly tlb: readonly Entry[];
  readonly dev: readonly DevPc[];
  readonly iotlb: readonly Entry[];
}

interface Consts {
  readonly cpus: number;
  readonly devices: number;
  readonly arch: Arch;
  readonly version: Version;
  readonly btm: boolean;
  readonly btmDriverSkip: boolean;
  readonly iommuCachesFaulting: boolean;
  readonly cow: boolean;
  readonly copyNotify: boolean;
  readonly cpuSpurious: Spurious;
}

const set = <T>(a: readonly T[], i: number, v: T): T[] => { const o = a.slice(); o[i] = v; return o; };
const writable = (e: Entry): boolean => e === 'rw1' || e === 'rw2';
const pageOf = (e: Entry): 0 | 1 | 2 => (e === 'none' ? 0 : e === 'rw2' ? 2 : 1);
const none = (a: readonly Entry[]): Entry[] => a.map((): Entry => 'none');

/**
 * handle_mm_fault(FAULT_FLAG_WRITE) on the present pte, under the PTL, run on CPU `local` (-1: the iopf kworker,
 * none of the modelled CPUs). Returns the new pte and caches.
 */
function handleWriteFault(s: State, local: number, c: Consts): { pte: Pte; tlb: readonly Entry[]; iotlb: readonly Entry[] } {
  if (s.pte === 'ro1') {
    if (c.cow) {
      // do_wp_page -> wp_page_copy: ptep_clear_flush_notify (broadcast CPU flush + the secondary invalidation)
      return { pte: 'rw2', tlb: none(s.tlb), iotlb: c.copyNotify ? none(s.iotlb) : s.iotlb };
    }
    // do_wp_page -> wp_page_reuse -> ptep_set_access_flags(dirty = 1): the arch flush
    if (c.arch === 'x86') return { pte: 'rw1', tlb: s.tlb, iotlb: s.iotlb }; // set_pte only, no flush
    if (c.version === 'v619') {
      // local_flush_tlb_page: TLBI VALE1 on this CPU + mmu_notifier_arch_invalidate_secondary_tlbs
      const driverInvalidates = !(c.btm && c.btmDriverSkip);
      return {
        pte: 'rw1',
        tlb: local >= 0 ? set(s.tlb, local, 'none') : s.tlb,
        iotlb: driverInvalidates ? none(s.iotlb) : s.iotlb,
      };
    }
    // flush_tlb_page: TLBI VALE1IS (every CPU; an SMMU with BTM snoops it); v66: plus the notifier
    const smmu = c.btm || c.version === 'v66';
    return { pte: 'rw1', tlb: none(s.tlb), iotlb: smmu ? none(s.iotlb) : s.iotlb };
  }
  // already writable: ptep_set_access_flags finds pte_same -> flush_tlb_fix_spurious_fault
  const localFlush = c.arch === 'arm64' && c.version === 'v619' && c.cpuSpurious === 'kernel' && local >= 0;
  return { pte: s.pte, tlb: localFlush ? set(s.tlb, local, 'none') : s.tlb, iotlb: s.iotlb };
}

/** A CPU store by thread c: completes (idle) or faults, with its TLB after the attempt. */
function cpuAccess(s: State, cpu: number, c: Consts): State[] {
  const e = s.tlb[cpu]!;
  if (writable(e)) return [{ ...s, cpu: set(s.cpu, cpu, 'idle') }];
  if (e === 'ro1') {
    // permission fault on the cached entry: arm64 keeps it, an x86 page fault invalidates it
    return [{ ...s, cpu: set(s.cpu, cpu, 'fault'), tlb: c.arch === 'x86' ? set(s.tlb, cpu, 'none') : s.tlb }];
  }
  if (writable(s.pte)) return [{ ...s, cpu: set(s.cpu, cpu, 'idle'), tlb: set(s.tlb, cpu, s.pte) }];
  const faulted = { ...s, cpu: set(s.cpu, cpu, 'fault') };
  // the walk found the read-only pte: arm64 may keep the entry it walked, x86 does not
  return c.arch === 'x86' ? [faulted] : [faulted, { ...faulted, tlb: set(s.tlb, cpu, 'ro1') }];
}

/** An SMMU/IOMMU translation of device d's write: completes (idle) or faults (stalled). */
function deviceTranslate(s: State, d: number, c: Consts): State[] {
  const e = s.iotlb[d]!;
  if (writable(e)) return [{ ...s, dev: set(s.dev, d, 'idle') }];
  if (e === 'ro1') {
    return [{ ...s, dev: set(s.dev, d, 'stalled'), iotlb: c.iommuCachesFaulting ? s.iotlb : set(s.iotlb, d, 'none') }];
  }
  if (writable(s.pte)) return [{ ...s, dev: set(s.dev, d, 'idle'), iotlb: set(s.iotlb, d, s.pte) }];
  const stalled = { ...s, dev: set(s.dev, d, 'stalled') };
  return c.iommuCachesFaulting ? [stalled, { ...stalled, iotlb: set(s.iotlb, d, 'ro1') }] : [stalled];
}

const src = (anchor: string) => `docs/mmu_notifier.md#${anchor}`;
const FAIR = ['deviceRetry', 'iopfHandler', 'cpuFaultPath'] as const;

const configs = {
  arm64Pre66: {
    doc: 'arm64 5.13-6.5, SMMUv3 without BTM, stall device, the page reused: the bug',
    constants: {},
    fairness: [...FAIR],
    expect: { source: src('pu-arm64pre66'), violated: { deviceWriteCompletes: 4 } },
  },
  arm64Pre66NoCpu: {
    doc: 'the same without CPU threads: the device\'s own fault (iopf) upgrades the pte and still loops',
    constants: { cpus: 0 },
    fairness: [...FAIR],
    expect: { source: src('pu-arm64pre66'), violated: { deviceWriteCompletes: 4 } },
  },
  arm64Pre66Dev2: {
    doc: 'two devices (each its own SMMU TLB entry)',
    constants: { devices: 2 },
    fairness: [...FAIR],
    expect: { source: src('pu-arm64pre66'), violated: { deviceWriteCompletes: 4 } },
  },
  arm64Pre66FairEvict: {
    doc: 'pre-6.6 with weak fairness on the SMMU evicting the entry: writes complete, by luck only',
    constants: {},
    fairness: [...FAIR, 'smmuEviction'],
    expect: { source: src('pu-arm64pre66fairevict') },
  },
  arm64Pre66Btm: {
    doc: 'pre-6.6, SMMU with BTM: the broadcast TLBI of flush_tlb_page invalidates the SMMU TLB',
    constants: { btm: true },
    fairness: [...FAIR],
    expect: { source: src('pu-btm') },
  },
  arm64Pre66Cow: {
    doc: 'pre-6.6, the page shared: the write fault copies (wp_page_copy, ptep_clear_flush_notify)',
    constants: { cow: true },
    fairness: [...FAIR],
    expect: { source: src('pu-cow') },
  },
  arm64Pre66CowNoNotify: {
    doc: 'mutation: the copy path without the secondary invalidation (never shipped)',
    constants: { cow: true, copyNotify: false },
    fairness: [...FAIR],
    expect: { source: src('pu-cownonotify'), violated: { cpuAndDeviceAgree: 3, deviceWriteCompletes: 4 } },
  },
  arm64V66: {
    doc: 'arm64 6.6-6.18: flush_tlb_page calls mmu_notifier_arch_invalidate_secondary_tlbs (ec8832d007cb)',
    constants: { version: 'v66' },
    fairness: [...FAIR],
    expect: { source: src('pu-v66') },
  },
  arm64V66Dev2: {
    constants: { version: 'v66', devices: 2 },
    fairness: [...FAIR],
    expect: { source: src('pu-v66') },
  },
  arm64V66Btm: {
    doc: '6.6 with BTM (the driver skips its own TLBI, the broadcast does it)',
    constants: { version: 'v66', btm: true },
    fairness: [...FAIR],
    expect: { source: src('pu-btm') },
  },
  arm64V619: {
    doc: 'arm64 6.19+: local_flush_tlb_page on upgrade (cb1fa2e99955), notifier kept',
    constants: { version: 'v619' },
    fairness: [...FAIR],
    expect: { source: src('pu-v619') },
  },
  arm64V619Cpu2: {
    doc: '6.19 with two CPU threads: a remote CPU keeps its stale read-only entry and fixes it on the spurious fault',
    constants: { version: 'v619', cpus: 2, devices: 0 },
    fairness: [...FAIR],
    expect: { source: src('pu-v619') },
  },
  arm64V619Btm: {
    doc: '6.19 with BTM and the 2025 driver (which no longer skips its TLBI)',
    constants: { version: 'v619', btm: true, btmDriverSkip: false },
    fairness: [...FAIR],
    expect: { source: src('pu-v619btm') },
  },
  arm64V619BtmSkip: {
    doc: 'hypothetical: 6.19\'s local TLBI with a driver that relies on BTM (the 6.5/6.6 driver\'s skip)',
    constants: { version: 'v619', btm: true, btmDriverSkip: true },
    fairness: [...FAIR],
    expect: { source: src('pu-v619btm'), violated: { deviceWriteCompletes: 4 } },
  },
  arm64V619NoSpuriousFix: {
    doc: 'mutation: 6.19\'s local upgrade flush with the old no-op flush_tlb_fix_spurious_fault, two CPU threads',
    constants: { version: 'v619', cpus: 2, devices: 0, cpuSpurious: 'noop' },
    fairness: [...FAIR],
    expect: { source: src('pu-v619nospuriousfix'), violated: { cpuWriteCompletes: 6 } },
  },
  x86: {
    doc: 'x86 control: no flush on upgrade; the IOMMU re-walks after a permission fault (x86 semantics)',
    constants: { arch: 'x86', iommuCachesFaulting: false },
    fairness: [...FAIR],
    expect: { source: src('pu-x86') },
  },
  x86V66: {
    constants: { arch: 'x86', version: 'v66', iommuCachesFaulting: false },
    fairness: [...FAIR],
    expect: { source: src('pu-x86') },
  },
  x86Cpu2: {
    doc: 'x86 control, two CPU threads: a stale read-only CPU entry is dropped by the fault it causes',
    constants: { arch: 'x86', iommuCachesFaulting: false, cpus: 2, devices: 0 },
    fairness: [...FAIR],
    expect: { source: src('pu-x86') },
  },
  x86StaleIotlb: {
    doc: 'hypothetical x86 IOMMU that answers from a cached read-only entry, as the SMMU may',
    constants: { arch: 'x86', iommuCachesFaulting: true },
    fairness: [...FAIR],
    expect: { source: src('pu-x86staleiotlb'), violated: { deviceWriteCompletes: 4 } },
  },
  x86StaleIotlbV66: {
    doc: 'the same in 6.6+: the fix hooks the arch flush, and x86 has none on upgrade',
    constants: { arch: 'x86', version: 'v66', iommuCachesFaulting: true },
    fairness: [...FAIR],
    expect: { source: src('pu-x86staleiotlb'), violated: { deviceWriteCompletes: 4 } },
  },
} as const;

export default defineSpec({
  name: 'permission_upgrade',
  description: 'A read-only pte made writable vs an SVA device\'s IOMMU TLB: does every device write complete (arm64 before 6.6)?',
  constants: {
    cpus: { default: 1 as number, doc: 'CPU threads storing to the page (0..3)' },
    devices: { default: 1 as number, doc: 'SVA devices writing the page, each with its own IOMMU TLB entry (0..3)' },
    arch: oneOf(ARCHS, 'arm64', 'the CPU and IOMMU architecture'),
    version: oneOf(VERSIONS, 'pre66', 'the arm64 upgrade flush: pre66 (5.10-6.5), v66 (6.6-6.18), v619 (6.19+)'),
    btm: { default: false as boolean, doc: 'arm64: the SMMU snoops broadcast TLBIs (broadcast TLB maintenance)' },
    btmDriverSkip: { default: true as boolean, doc: 'the SVA notifier skips its own CMD_TLBI when BTM is set' },
    iommuCachesFaulting: { default: true as boolean, doc: 'a read-only IOMMU entry survives (and may be filled by) a permission fault' },
    cow: { default: false as boolean, doc: 'the page is shared: the write fault copies (wp_page_copy) instead of reusing' },
    copyNotify: { default: true as boolean, doc: 'the copy path invalidates the secondary TLB (false: mutation)' },
    cpuSpurious: oneOf(SPURIOUS, 'kernel', 'flush_tlb_fix_spurious_fault as the version has it, or forced to a no-op (mutation)'),
  },
  configs,
  schema: (c) => t.record({
    pte: t.enum('ro1', 'rw1', 'rw2'),
    cpu: t.array(t.enum(...CPU_PC), c.cpus),
    tlb: t.array(t.enum(...ENTRIES), c.cpus),
    dev: t.array(t.enum(...DEV_PC), c.devices),
    iotlb: t.array(t.enum(...ENTRIES), c.devices),
  }),
  init: (c): State => ({
    pte: 'ro1',
    cpu: range(c.cpus).map((): CpuPc => 'idle'),
    tlb: range(c.cpus).map((): Entry => 'none'),
    dev: range(c.devices).map((): DevPc => 'idle'),
    iotlb: range(c.devices).map((): Entry => 'none'),
  }),
  actions: {
    // ---------------- CPU threads ----------------
    cpu_store: {
      actor: ({ c }: { c: number }) => `CPU${c}`,
      params: (c: Consts) => ({ c: range(c.cpus) }),
      next: (s: State, p: { c: number }, c: Consts) => (s.cpu[p.c] === 'idle' ? cpuAccess(s, p.c, c) : null),
    },
    cpu_handle_fault: {
      actor: ({ c }: { c: number }) => `CPU${c}`,
      params: (c: Consts) => ({ c: range(c.cpus) }),
      next: (s: State, p: { c: number }, c: Consts): State | null => {
        if (s.cpu[p.c] !== 'fault') return null;
        const r = handleWriteFault(s, p.c, c);
        return { pte: r.pte, cpu: set(s.cpu, p.c, 'retry'), tlb: r.tlb, dev: s.dev, iotlb: r.iotlb };
      },
    },
    cpu_retry_store: {
      actor: ({ c }: { c: number }) => `CPU${c}`,
      params: (c: Consts) => ({ c: range(c.cpus) }),
      next: (s: State, p: { c: number }, c: Consts) => (s.cpu[p.c] === 'retry' ? cpuAccess(s, p.c, c) : null),
    },
    cpu_load: {
      actor: ({ c }: { c: number }) => `CPU${c}`,
      params: (c: Consts) => ({ c: range(c.cpus) }),
      next: (s: State, p: { c: number }): State | null =>
        (s.cpu[p.c] === 'idle' && s.tlb[p.c] === 'none' ? { ...s, tlb: set(s.tlb, p.c, s.pte) } : null),
    },
    // ---------------- SVA devices ----------------
    device_dma_write: {
      actor: ({ d }: { d: number }) => `device${d}`,
      params: (c: Consts) => ({ d: range(c.devices) }),
      next: (s: State, p: { d: number }, c: Consts) => (s.dev[p.d] === 'idle' ? deviceTranslate(s, p.d, c) : null),
    },
    iopf_handle_fault: {
      actor: 'SMMU',
      params: (c: Consts) => ({ d: range(c.devices) }),
      next: (s: State, p: { d: number }, c: Consts): State | null => {
        if (s.dev[p.d] !== 'stalled') return null;
        const r = handleWriteFault(s, -1, c);
        return { pte: r.pte, cpu: s.cpu, tlb: r.tlb, dev: set(s.dev, p.d, 'retry'), iotlb: r.iotlb };
      },
    },
    smmu_resume_retry: {
      actor: 'SMMU',
      params: (c: Consts) => ({ d: range(c.devices) }),
      next: (s: State, p: { d: number }, c: Consts) => (s.dev[p.d] === 'retry' ? deviceTranslate(s, p.d, c) : null),
    },
    device_dma_read: {
      actor: ({ d }: { d: number }) => `device${d}`,
      params: (c: Consts) => ({ d: range(c.devices) }),
      next: (s: State, p: { d: number }): State | null =>
        (s.dev[p.d] === 'idle' && s.iotlb[p.d] === 'none' ? { ...s, iotlb: set(s.iotlb, p.d, s.pte) } : null),
    },
    smmu_tlb_evict: {
      actor: 'SMMU',
      params: (c: Consts) => ({ d: range(c.devices) }),
      next: (s: State, p: { d: number }): State | null =>
        (s.iotlb[p.d] !== 'none' ? { ...s, iotlb: set(s.iotlb, p.d, 'none') } : null),
    },
  },
  invariants: {
    /** No device entry grants write unless the pte grants write to that same page. */
    noDeviceEntryExceedsPte: (s) => s.iotlb.every((e) => !writable(e) || e === s.pte),
    /** Every device entry maps the page the pte maps (CPU and device see the same memory at va). */
    cpuAndDeviceAgree: (s) => s.iotlb.every((e) => e === 'none' || pageOf(e) === pageOf(s.pte)),
    /** The primary-TLB analogue of both: every CPU entry maps the pte's page and grants write only if the pte does. */
    cpuTlbAgreesWithPte: (s) => s.tlb.every((e) => e === 'none' || (pageOf(e) === pageOf(s.pte) && (!writable(e) || e === s.pte))),
  },
  fairness: {
    /** The SMMU retries a stalled transaction once the page response has been sent (continuously enabled: WF). */
    deviceRetry: wf('smmu_resume_retry', { each: 'd' }),
    /** The iopf work item for a stalled fault runs (continuously enabled while the fault is queued: WF). */
    iopfHandler: wf('iopf_handle_fault', { each: 'd' }),
    /** A faulting thread's exception is handled and the store re-executed. */
    cpuFaultPath: wf(['cpu_handle_fault', 'cpu_retry_store'], { each: 'c' }),
    /** Not an architectural guarantee: the SMMU eventually drops any entry. */
    smmuEviction: wf('smmu_tlb_evict', { each: 'd' }),
  },
  properties: {
    /** Every device write that has been issued (stalled or being retried) eventually completes. */
    deviceWriteCompletes: forAll((c: Consts) => ({ d: range(c.devices) }), ({ d }: { d: number }) =>
      leadsTo((s: State) => s.dev[d] !== 'idle', (s: State) => s.dev[d] === 'idle')),
    /** Every CPU store that faulted eventually completes. */
    cpuWriteCompletes: forAll((c: Consts) => ({ c: range(c.cpus) }), ({ c }: { c: number }) =>
      leadsTo((s: State) => s.cpu[c] !== 'idle', (s: State) => s.cpu[c] === 'idle')),
  },
});
