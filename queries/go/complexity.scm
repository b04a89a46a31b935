; go complexity: written next
