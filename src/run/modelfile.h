/* Model files: phones learned by `provscope lab --learn-model` (lab/learn.h),
 * added to the catalogue by --model-file so that every mode can play them:
 * the ClientHello as far as GnuTLS can send it, the User-Agent, MAC,
 * serial number and firmware the phone showed, and the rest (profiles,
 * firmware families, trust) from the catalogue model it is based on. */
#ifndef PS_RUN_MODELFILE_H
#define PS_RUN_MODELFILE_H

#include <stddef.h>

#include "phone/catalogue.h"

/* Read the model file `path` and add its model to the catalogue
 * (ps_model_add). Returns 0 and the model in `*out` (it lives as long as
 * the program), or -1 with a sentence naming the file in `*err` (caller
 * frees): unreadable, no JSON, not a model file, a field wrong, the name
 * taken. */
int ps_model_file_load(const char *path, const struct ps_model **out, char **err);

/* Each --model-file argument: a model file, or a directory whose *.json
 * files are read in name order. `*only`: the model when exactly one
 * model was read from one file argument, else NULL. Returns 0, or -1 with
 * `*err` at the first bad file. */
int ps_model_files_load(const char *const *args, size_t n, const struct ps_model **only,
			char **err);

/* Whether `name` can name a learned model: 1 to 31 lower-case letters,
 * digits, '.', '_' or '-', starting with a letter or digit. */
bool ps_model_name_valid(const char *name);

#endif
