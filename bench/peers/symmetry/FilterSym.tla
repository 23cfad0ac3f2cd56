------------------------------ MODULE FilterSym ------------------------------
(* ../shared/bench/peers/Filter.tla with the processes as model values, so   *)
(* that TLC can apply SYMMETRY Permutations(Procs). last[l] starts at P0 (the *)
(* original's process 0); everything else is the original, line for line.    *)
EXTENDS Naturals, FiniteSets, TLC
CONSTANTS Procs, P0
ASSUME P0 \in Procs
N == Cardinality(Procs)
VARIABLES pc, level, last
vars == <<pc, level, last>>

Init == /\ pc    = [i \in Procs |-> 0]
        /\ level = [i \in Procs |-> 0]
        /\ last  = [l \in 0..N-1 |-> P0]

Start(i)   == /\ pc[i] = 0
              /\ pc' = [pc EXCEPT ![i] = 1]
              /\ UNCHANGED <<level, last>>
Raise(i)   == /\ pc[i] = 1
              /\ level' = [level EXCEPT ![i] = @ + 1]
              /\ pc' = [pc EXCEPT ![i] = 2]
              /\ UNCHANGED last
SetLast(i) == /\ pc[i] = 2
              /\ last' = [last EXCEPT ![level[i]] = i]
              /\ pc' = [pc EXCEPT ![i] = 3]
              /\ UNCHANGED level
Wait(i)    == /\ pc[i] = 3
              /\ \/ last[level[i]] # i
                 \/ \A k \in Procs \ {i} : level[k] < level[i]
              /\ pc' = [pc EXCEPT ![i] = IF level[i] < N - 1 THEN 1 ELSE 4]
              /\ UNCHANGED <<level, last>>
Exit(i)    == /\ pc[i] = 4
              /\ level' = [level EXCEPT ![i] = 0]
              /\ pc' = [pc EXCEPT ![i] = 0]
              /\ UNCHANGED last

Next == \E i \in Procs : Start(i) \/ Raise(i) \/ SetLast(i) \/ Wait(i) \/ Exit(i)
Spec == Init /\ [][Next]_vars

Mutex == \A i, j \in Procs : i # j => ~(pc[i] = 4 /\ pc[j] = 4)
Symmetry == Permutations(Procs)
=============================================================================
