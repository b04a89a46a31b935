; Go calls: the called name, without package or receiver.

(call_expression function: (identifier) @call)
(call_expression function: (selector_expression field: (field_identifier) @call))
