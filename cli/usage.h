#ifndef SIPPROBE_CLI_USAGE_H
#define SIPPROBE_CLI_USAGE_H
#include <stdio.h>
/* Prints --help; grouped and ordered like the OPTIONS section of sipprobe(1). */
void print_usage(FILE *fp);
#endif
