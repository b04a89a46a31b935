; javascript outline: written next
