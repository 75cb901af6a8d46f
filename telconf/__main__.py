from telconf.cli import main

main()
