from salesdocs.cli import main

main()
