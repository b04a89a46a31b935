; inherits: ecma
; TypeScript tests are JavaScript tests.
