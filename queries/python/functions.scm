; python functions: written next
