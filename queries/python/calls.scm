; Python calls: the called name, without module or receiver.

(call function: (identifier) @call)
(call function: (attribute attribute: (identifier) @call))
