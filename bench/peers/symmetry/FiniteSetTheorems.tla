-------------------------- MODULE FiniteSetTheorems -------------------------
(* A stub of the TLAPS library module, enough for TLC to parse tlaplus/      *)
(* Examples Paxos/Consensus.tla, whose proofs cite these two theorems (TLC   *)
(* skips proofs).                                                            *)
THEOREM FS_EmptySet == TRUE
THEOREM FS_Singleton == TRUE
=============================================================================
