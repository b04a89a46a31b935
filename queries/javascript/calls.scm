; inherits: ecma
; JavaScript calls are ECMAScript calls.
