# argv: -m no_such_module_for_provbridge_tests
# status: none
