------------------------------- MODULE TLAPS --------------------------------
(* A stub of the TLA+ proof system's pragma module, enough for TLC to parse  *)
(* modules that EXTEND TLAPS for their proofs (tlaplus/Examples Paxos/Voting: *)
(* TLC skips proofs, and every pragma is TRUE).                               *)
SMT == TRUE
Zenon == TRUE
Isa == TRUE
PTL == TRUE
LS4 == TRUE
ExpandENABLED == TRUE
ExpandCdot == TRUE
AutoUSE == TRUE
Lambdify == TRUE
ENABLEDaxioms == TRUE
SimpleArithmetic == TRUE
=============================================================================
