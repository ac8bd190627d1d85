// The system zlib (libz), for decompressing `.json.gz` results files in-process.
#include <zlib.h>
