; javascript tests: written next
