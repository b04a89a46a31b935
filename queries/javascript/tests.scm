; inherits: ecma
; JavaScript tests: all in ecma/tests.scm.
