from validate.startup import run

run()
