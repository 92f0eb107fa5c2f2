import ArgumentParser
HiCLR.main()
