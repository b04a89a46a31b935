; python outline: written next
