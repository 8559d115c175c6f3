#ifndef CUSTODIAN_WORKER_H
#define CUSTODIAN_WORKER_H

#include "http/request.h"

/*
 * A FastCGI worker: accepts requests on the listening socket inherited
 * from the supervisor and answers them one at a time, until SIGTERM (the
 * request in hand is finished first).
 */
int worker_main(struct app *app, int listen_fd);

/*
 * The front controller: everything between the transport and a handler
 * (route, 404/405, identity, body and its limits, input validation, roles,
 * CSRF), then the handler. The request's fields must be zeroed except app,
 * arena and io. Used by worker_main() and by the tests.
 */
void worker_handle(struct req *r);

#endif
