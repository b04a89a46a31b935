; python complexity: written next
