; go outline: written next
