from contribute.cli import main

main()
