; Python functions: name, parameters with their annotations, return annotation, docstring.

(function_definition
  name: (identifier) @function.name
  parameters: (parameters) @function.params
  return_type: (type)? @function.return_type) @function

; The docstring is the first statement of the body, when it is a string.
(function_definition
  body: (block . (expression_statement (string) @function.doc)))

; Parameters, one match each.
(parameters (identifier) @param @param.name)
(parameters
  (typed_parameter
    [(identifier) (list_splat_pattern) (dictionary_splat_pattern)] @param.name
    type: (type) @param.type) @param)
(parameters (default_parameter name: (identifier) @param.name value: (_) @param.default) @param)
(parameters
  (typed_default_parameter
    name: (identifier) @param.name
    type: (type) @param.type
    value: (_) @param.default) @param)
(parameters (list_splat_pattern) @param @param.name)
(parameters (dictionary_splat_pattern) @param @param.name)
