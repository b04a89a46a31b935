; inherits: ecma
; TypeScript calls are JavaScript calls.
