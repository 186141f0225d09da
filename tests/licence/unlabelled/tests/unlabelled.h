// A source file without its licence line: the check must find it.
int unlabelled();
