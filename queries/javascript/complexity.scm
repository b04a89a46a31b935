; javascript complexity: written next
