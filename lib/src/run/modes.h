/* One driver per mode; sp_scan_run (run/run.c) picks the handle's. Each
 * begins and ends through run/finish.h, so every mode loads the same
 * knowledge, writes the same outputs and uploads the same way. */
#ifndef SP_RUN_MODES_H
#define SP_RUN_MODES_H

struct sp_scan;

int sp__mode_scan(struct sp_scan *s);
int sp__mode_capture(struct sp_scan *s);
int sp__mode_alg_check(struct sp_scan *s);
int sp__mode_report(struct sp_scan *s);

#endif
