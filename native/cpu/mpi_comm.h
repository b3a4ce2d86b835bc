// Point-to-point MPI for native code (gradient_sync.cc), over the library mpi_comm.cc opened. Every function
// assumes mpiInit succeeded (ready() is true). MPI runs with MPI_THREAD_SERIALIZED: one thread at a time may
// call it, the JavaScript thread or a worker running a training job (never both: a job's calls end before its
// Promise settles). Errors come back as MPI error codes (MPI_ERRORS_RETURN on MPI_COMM_WORLD), never an abort.
#pragma once

#include <cstddef>

namespace myelin {
namespace mpi {

using Request = void*;  // MPI_Request in Open MPI: a pointer to the request object; nullptr = MPI_REQUEST_NULL

bool ready();
int rank();
int size();
// MPI_Isend / MPI_Irecv of `count` floats to / from `peer` with `tag` on MPI_COMM_WORLD.
int isend_floats(const float* data, int count, int peer, int tag, Request* request);
int irecv_floats(float* data, int count, int peer, int tag, Request* request);
// MPI_Test: *done = 1 once the request completed (it is then freed and set to nullptr).
int test(Request* request, int* done);
// MPI_Cancel then MPI_Request_free of a request that will never complete (a peer that did not come).
void abandon(Request* request);

}  // namespace mpi
}  // namespace myelin
