from blogcli.cli import main

main()
