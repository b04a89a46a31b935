; go tests: written next
