; javascript functions: written next
