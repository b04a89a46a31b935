; go functions: written next
