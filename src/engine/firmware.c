/* The firmware kinds of request (see firmware.h): the check that the image
 * is there (HEAD, or the first byte where HEAD is refused) and the
 * download of the whole image (--download-firmware). */
#include "config.h"

#include "engine/firmware.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <gnutls/crypto.h>

#include "core/util.h"
#include "engine/hop.h"
#include "engine/upgrade.h"
#include "rules/version.h"

/* What a firmware request found. */
struct fw_answer {
	bool ok;
	long status;
	long long size;
	char *type;  /* Content-Type, owned, NULL when none */
	char *error; /* why the image is not there, owned, NULL when it is */
	bool local;  /* the error is ours: the image could not be written */
};

/* The answer to a check: is the image there, how big, what type. */
static void check_answer(const struct ps_hop_run *h, const struct ps_http_response *rs,
			 enum ps_http_method method, struct fw_answer *fw)
{
	ps_hop_http_detail(h, rs);
	fw->status = rs->status;
	fw->size = rs->content_length;
	free(fw->type);
	fw->type = ps_xstrdup(rs->content_type);
	const char *line = rs->n_response_headers ? rs->response_headers[0] : "";
	fw->ok = rs->status == 200 || rs->status == 206;
	free(fw->error);
	fw->error = fw->ok ? NULL
		    : rs->status
			? ps_xasprintf("the server answered %s", line)
			: ps_xasprintf("no answer: %s", rs->curl_error ? rs->curl_error : "?");
	ps_sink_step_end(h->sink, h->hop, PS_STEP_HTTP, fw->ok ? PS_STATUS_OK : PS_STATUS_FAIL,
			 "%s %s", method == PS_HTTP_HEAD ? "HEAD" : "GET (first byte)",
			 fw->ok ? line : fw->error);
}

/* The answer to a download: the whole image, complete. */
static void download_answer(const struct ps_hop_run *L, const struct ps_http_response *rs,
			    struct fw_answer *fw)
{
	ps_hop_http_detail(L, rs);
	fw->status = rs->status;
	fw->size = (long long)rs->body_len;
	free(fw->type);
	fw->type = ps_xstrdup(rs->content_type);
	const char *line = rs->n_response_headers ? rs->response_headers[0] : "";
	free(fw->error);
	fw->error = NULL;
	fw->local = rs->write_failed;
	if (rs->write_failed)
		fw->error = ps_xasprintf("cannot write the image: %s", strerror(rs->write_errno));
	else if (rs->body_capped)
		fw->error = ps_xasprintf("the image is larger than %zu MiB", PS_FIRMWARE_MAX >> 20);
	else if (L->tftp && rs->curl_code != 0)
		fw->error = ps_xstrdup(rs->curl_error ? rs->curl_error : "?");
	else if (!L->tftp && rs->status != 200)
		fw->error = rs->status ? ps_xasprintf("the server answered %s", line)
				       : ps_xasprintf("no answer: %s",
						      rs->curl_error ? rs->curl_error : "?");
	else if ((rs->truncated || rs->curl_code == CURLE_PARTIAL_FILE) && rs->content_length >= 0)
		fw->error = ps_xasprintf("the connection ended after %zu of %lld bytes",
					 rs->body_len, rs->content_length);
	else if (rs->truncated || rs->curl_code == CURLE_PARTIAL_FILE)
		fw->error = ps_xasprintf("the connection ended after %zu bytes without a TLS "
					 "close_notify: the image may be incomplete",
					 rs->body_len);
	else if (rs->curl_code != 0)
		fw->error = ps_xasprintf("after %zu bytes: %s", rs->body_len,
					 rs->curl_error ? rs->curl_error : "transfer failed");
	fw->ok = fw->error == NULL;
	ps_sink_step_end(L->sink, L->hop, PS_STEP_HTTP, fw->ok ? PS_STATUS_OK : PS_STATUS_FAIL,
			 "GET %s, %zu bytes", line, rs->body_len);
}

/* A check of the image at `url` in hop `hop`: `method` is HEAD, or the
 * first byte where HEAD is refused. */
static void check_hop(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		      const struct ps_target *t, const char *url, enum ps_http_method method,
		      struct fw_answer *fw)
{
	struct ps_http_request rq = { .method = method, .max_body = cfg->max_body };
	struct ps_http_response rs;
	struct ps_hop_run h;
	if (ps_hop_exchange(&h, cfg, sink, hop, t, url, ps_now_ms(), &rq, &rs))
		check_answer(&h, &rs, method, fw);
	ps_hop_end(&h);
	ps_http_response_clear(&rs);
}

static void download_progress(void *ctx, long long bytes, long long total)
{
	const struct ps_run_config *cfg = ctx;
	cfg->progress(cfg->progress_ctx, bytes, total, 0);
}

/* The whole image at `url` into `out`, as hop `hop`. */
static void download_hop(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
			 const struct ps_target *t, const char *url, FILE *out,
			 struct fw_answer *fw)
{
	struct ps_http_request rq = { .method = PS_HTTP_GET,
				      .out = out,
				      .max_body = PS_FIRMWARE_MAX,
				      .progress = cfg->progress ? download_progress : NULL,
				      .progress_ctx = (void *)cfg };
	struct ps_http_response rs;
	struct ps_hop_run h;
	if (ps_hop_exchange(&h, cfg, sink, hop, t, url, ps_now_ms(), &rq, &rs))
		download_answer(&h, &rs, fw);
	ps_hop_end(&h);
	ps_http_response_clear(&rs);
}

/* SHA-256 of a file, hex; NULL when it cannot be read. */
static char *file_sha256(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	gnutls_hash_hd_t h;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		fclose(f);
		return NULL;
	}
	unsigned char buf[65536], md[32];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		gnutls_hash(h, buf, n);
	bool bad = ferror(f);
	fclose(f);
	gnutls_hash_deinit(h, md);
	if (bad)
		return NULL;
	char *hex = ps_xmalloc(65);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

/* What the image written to --download-firmware's file declares in its
 * first bytes, into `up`. */
static void image_declares(const struct ps_run_config *cfg, struct ps_upgrade_report *up)
{
	unsigned char head[PS_IMAGE_HEAD];
	FILE *f = fopen(cfg->download_file, "rb");
	size_t n = f ? fread(head, 1, sizeof head, f) : 0;
	if (f)
		fclose(f);
	up->download_declares = ps_upgrade_image_declares(head, n, &up->download_version);
}

/* The findings of what the image declares: another model than the phone
 * (when its file name did not already say so), or, when its name carried
 * no version, one older than the phone runs. */
static void declared_findings(const struct ps_run_config *cfg, const struct ps_sink *sink,
			      size_t hop, const char *url, const struct ps_upgrade_report *up)
{
	if (!up->download_declares)
		return;
	const struct ps_identity *id = cfg->identity;
	const char *product = id->model->product;
	char *names = NULL, *by_name = NULL;
	const char *base = strrchr(url, '/');
	base = base ? base + 1 : url;
	bool named_other =
	    ps_upgrade_names_other_model(base, strcspn(base, "?#"), product, &by_name);
	if (ps_upgrade_names_other_model(up->download_declares, strlen(up->download_declares),
					 product, &names) &&
	    !named_other)
		ps_sink_finding(sink, (long)hop, PS_F_UPGRADE_WRONG_MODEL,
				"the image downloaded declares \"%s\": %s, not the %s",
				up->download_declares, names, product);
	free(names);
	free(by_name);
	const char *dv = up->download_version, *cur = id->firmware;
	if (dv && !up->target_version && ps_version_cmp(dv, cur) < 0 &&
	    !(up->downgrade_limit && ps_version_cmp(dv, up->downgrade_limit) < 0))
		ps_sink_finding(sink, (long)hop, PS_F_UPGRADE_DOWNGRADE,
				"the image downloaded declares %s, older than %s, which the phone "
				"runs, and Downgrade_Rev_Limit is %s%s",
				dv, cur, up->downgrade_limit ? up->downgrade_limit : "empty",
				up->downgrade_limit ? " (not newer than the image)"
						    : ", so nothing stops it");
}

/* --download-firmware: GET the whole image over the phone's TLS as a hop
 * of its own, into a temporary file beside FILE that replaces FILE only
 * once the image arrived whole (an earlier FILE is never lost to a
 * failed download). */
static void download_firmware(const struct ps_run_config *cfg, const struct ps_sink *sink,
			      const struct ps_target *t, const char *url,
			      struct ps_upgrade_report *up)
{
	size_t hop = ps_sink_hop_begin(sink, url);
	ps_target_detail(sink, hop, t, NULL);
	char *tmp = ps_xasprintf("%s.part-XXXXXX", cfg->download_file);
	int fd = mkstemp(tmp);
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	struct fw_answer fw = { .size = -1 };
	if (!out) {
		fw.error = ps_xasprintf("cannot create %s: %s", tmp, strerror(errno));
		fw.local = true;
		if (fd >= 0)
			close(fd);
	} else {
		download_hop(cfg, sink, hop, t, url, out, &fw);
		/* on the disk before it replaces the earlier file */
		bool written = fflush(out) == 0 && fsync(fileno(out)) == 0;
		int e = errno;
		if ((fclose(out) != 0 || !written) && fw.ok) {
			fw.ok = false;
			fw.local = true;
			fw.error = ps_xasprintf("cannot write the image: %s",
						strerror(written ? errno : e));
		}
		if (fw.ok && rename(tmp, cfg->download_file) != 0) {
			fw.ok = false;
			fw.local = true;
			fw.error = ps_xasprintf("cannot rename %s to %s: %s", tmp,
						cfg->download_file, strerror(errno));
		}
		if (!fw.ok)
			unlink(tmp);
		if (cfg->progress)
			cfg->progress(cfg->progress_ctx, fw.size, fw.size, fw.ok ? 1 : -1);
		if (!fw.ok && !fw.error)
			fw.error = ps_xstrdup("no answer: the connection or the TLS handshake "
					      "failed (see the steps above)");
	}
	ps_sink_step_begin(sink, hop, PS_STEP_UPGRADE_DOWNLOAD);
	if (fw.ok) {
		up->download_size = fw.size;
		up->download_sha256 = file_sha256(cfg->download_file);
		image_declares(cfg, up);
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_DOWNLOAD, PS_STATUS_OK,
				 "%lld bytes written to %s, SHA-256 %s%s%s", fw.size,
				 cfg->download_file,
				 up->download_sha256 ? up->download_sha256 : "?",
				 up->download_declares ? "; it declares: " : "",
				 up->download_declares ? up->download_declares : "");
		declared_findings(cfg, sink, hop, url, up);
	} else {
		up->download_error = ps_xstrdup(fw.error);
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_DOWNLOAD, PS_STATUS_FAIL,
				 "%s; %s left as it was", fw.error, cfg->download_file);
		ps_sink_finding(sink, (long)hop,
				fw.local ? PS_F_UPGRADE_DOWNLOAD_NOT_WRITTEN
					 : PS_F_UPGRADE_DOWNLOAD_FAILED,
				"%s: %s", url, fw.error);
	}
	free(fw.type);
	free(fw.error);
	free(tmp);
}

/* The check's outcome into `up`, as the upgrade.check step. */
static void check_step(const struct ps_sink *sink, size_t hop, const char *url,
		       struct fw_answer *fw, struct ps_upgrade_report *up)
{
	if (!fw->ok && !fw->error)
		fw->error = ps_xstrdup("no answer: the connection or the TLS handshake failed (see "
				       "the steps above)");
	ps_sink_step_begin(sink, hop, PS_STEP_UPGRADE_CHECK);
	up->check_status = fw->status;
	up->check_size = fw->size;
	up->check_type = fw->type;
	up->check_error = fw->error;
	if (fw->ok) {
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_CHECK, PS_STATUS_OK,
				 "the image is there: %lld bytes, %s", fw->size,
				 fw->type ? fw->type : "no Content-Type");
	} else {
		ps_sink_step_end(sink, hop, PS_STEP_UPGRADE_CHECK, PS_STATUS_FAIL, "%s",
				 fw->error ? fw->error : "not there");
		ps_sink_finding(sink, (long)hop, PS_F_UPGRADE_UNREACHABLE, "%s: %s", url,
				fw->error ? fw->error : "not there");
	}
}

bool ps_firmware_check(const struct ps_run_config *cfg, const struct ps_sink *sink, size_t hop,
		       const char *url, struct ps_upgrade_report *up)
{
	struct ps_target t;
	char *err = NULL;
	up->check_done = true;
	if (!ps_target_parse(url, &t, &err)) {
		up->check_error = err;
		return false;
	}
	ps_target_detail(sink, hop, &t, NULL);
	if (strstr(url, "<dhcp-option-66>")) {
		up->check_size = -1;
		up->check_error = ps_xstrdup("the firmware URL names no server: the phone takes "
					     "it from DHCP option 66 (give it with --tftp-server)");
		ps_target_clear(&t);
		return false;
	}
	if (ps_str_ieq(t.scheme, "tftp")) {
		up->check_size = -1;
		up->check_error =
		    ps_xstrdup("the image is not checked over TFTP, which has no HEAD: "
			       "--download-firmware fetches it");
		if (cfg->download_file)
			download_firmware(cfg, sink, &t, url, up);
		ps_target_clear(&t);
		return true;
	}
	struct fw_answer fw = { .size = -1 };
	check_hop(cfg, sink, hop, &t, url, PS_HTTP_HEAD, &fw);
	if (fw.status == 405 || fw.status == 501) {
		/* HEAD refused: ask for the first byte instead. */
		struct fw_answer again = { .size = -1 };
		check_hop(cfg, sink, hop, &t, url, PS_HTTP_FIRST_BYTE, &again);
		free(fw.type);
		free(fw.error);
		fw = again;
	}
	check_step(sink, hop, url, &fw, up); /* up takes fw's strings */
	if (fw.ok && cfg->download_file)
		download_firmware(cfg, sink, &t, url, up);
	ps_target_clear(&t);
	return fw.ok;
}
