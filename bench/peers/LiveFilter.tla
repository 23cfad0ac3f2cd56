---------------------------- MODULE LiveFilter ----------------------------
(* The filter lock of ../../../shared/bench/peers/Filter.tla with starvation freedom: weak fairness of each   *)
(* process' steps other than Start, and \A i : pc[i] = 1 ~> pc[i] = 4. Written for tlats' liveness benchmark. *)
EXTENDS Filter
LiveSpec == Spec /\ \A i \in Procs : WF_vars(Raise(i) \/ SetLast(i) \/ Wait(i) \/ Exit(i))
StarvationFree == \A i \in Procs : (pc[i] = 1) ~> (pc[i] = 4)
=============================================================================
