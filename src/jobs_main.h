#ifndef CUSTODIAN_JOBS_H
#define CUSTODIAN_JOBS_H

#include "http/app.h"

/*
 * A job worker process (started by the supervisor, job_workers of them):
 * runs bulk runs to completion independently of any browser. On SIGTERM
 * it finishes the item in hand (one committed transaction), releases its
 * lease and exits; the run is resumed by the next job worker to start.
 */
int jobs_main(struct app *app);

#endif
