; python calls: written next
