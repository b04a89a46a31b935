; javascript calls: written next
