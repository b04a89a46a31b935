; go calls: written next
