; Go writes every parameter's type: what a function reads of its parameters says nothing more
; about their shape, so nothing is captured here (see python/reads.scm).
