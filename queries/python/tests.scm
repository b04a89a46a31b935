; python tests: written next
