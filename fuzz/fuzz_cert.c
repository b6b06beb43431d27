/* libFuzzer target for certificate files as 'provscope cert' reads them: a
 * PEM bundle or one DER certificate, from memory, through the chain
 * analysis and the tls.chain step into a report. Fixed and offline: the
 * phone trusts one root given here (no system store), the clock is fixed,
 * and the chain is checked for a host name and for an IP literal. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "engine/trust.h"
#include "model/report.h"
#include "model/sink.h"
#include "phone/catalogue.h"
#include "phone/identity.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DigiCert Global Root CA (tests/data/x509/badssl/roots/): the anchor of
 * the badssl.com seeds, so that their chains verify. */
static const char anchor_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDrzCCApegAwIBAgIQCDvgVpBCRrGhdWrJWZHHSjANBgkqhkiG9w0BAQUFADBh\n"
    "MQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3\n"
    "d3cuZGlnaWNlcnQuY29tMSAwHgYDVQQDExdEaWdpQ2VydCBHbG9iYWwgUm9vdCBD\n"
    "QTAeFw0wNjExMTAwMDAwMDBaFw0zMTExMTAwMDAwMDBaMGExCzAJBgNVBAYTAlVT\n"
    "MRUwEwYDVQQKEwxEaWdpQ2VydCBJbmMxGTAXBgNVBAsTEHd3dy5kaWdpY2VydC5j\n"
    "b20xIDAeBgNVBAMTF0RpZ2lDZXJ0IEdsb2JhbCBSb290IENBMIIBIjANBgkqhkiG\n"
    "9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4jvhEXLeqKTTo1eqUKKPC3eQyaKl7hLOllsB\n"
    "CSDMAZOnTjC3U/dDxGkAV53ijSLdhwZAAIEJzs4bg7/fzTtxRuLWZscFs3YnFo97\n"
    "nh6Vfe63SKMI2tavegw5BmV/Sl0fvBf4q77uKNd0f3p4mVmFaG5cIzJLv07A6Fpt\n"
    "43C/dxC//AH2hdmoRBBYMql1GNXRor5H4idq9Joz+EkIYIvUX7Q6hL+hqkpMfT7P\n"
    "T19sdl6gSzeRntwi5m3OFBqOasv+zbMUZBfHWymeMr/y7vrTC0LUq7dBMtoM1O/4\n"
    "gdW7jVg/tRvoSSiicNoxBN33shbyTApOB6jtSj1etX+jkMOvJwIDAQABo2MwYTAO\n"
    "BgNVHQ8BAf8EBAMCAYYwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUA95QNVbR\n"
    "TLtm8KPiGxvDl7I90VUwHwYDVR0jBBgwFoAUA95QNVbRTLtm8KPiGxvDl7I90VUw\n"
    "DQYJKoZIhvcNAQEFBQADggEBAMucN6pIExIK+t1EnE9SsPTfrgT1eXkIoyQY/Esr\n"
    "hMAtudXH/vTBH1jLuG2cenTnmCmrEbXjcKChzUyImZOMkXDiqw8cvpOp/2PV5Adg\n"
    "06O/nVsJ8dWO41P0jmP6P6fbtGbfYmbW0W5BjfIttep3Sp+dWOIrWcBAI+0tKIJF\n"
    "PnlUkiaY4IBIqDfv8NZ5YBberOgOzW6sRBc4L0na4UU+Krk2U886UAb3LujEV0ls\n"
    "YSEY1QSteDwsOoBrp+uvFRTp2InBuThs4pFsiv9kuXclVzDAGySj4dzp30d8tbQk\n"
    "CAUw7C29C79Fv1C5qfPrmAESrciIxpg0X40KPMbp1ZWVbd4=\n"
    "-----END CERTIFICATE-----\n";

/* Made once for the process, as provscope makes them once per run. */
static struct ps_identity identity;
static struct ps_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ps_identity_init(&identity, ps_model_default());
	trust = ps_trust_new_mem(anchor_pem, NULL, false);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ps_run_config cfg = {
		.identity = &identity,
		.trust = trust,
		.at = 1618855200, /* 2021-04-19T18:00:00Z, inside the seeds' validity */
	};
	static const char *const hosts[] = { "badssl.com", "192.0.2.10" };
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		struct ps_report *r = ps_report_new();
		struct ps_sink sink = ps_report_sink(r);
		char *err = NULL;
		if (ps_engine_run_cert_data(&cfg, "fuzz.pem", data, size, hosts[i], &sink, &err)) {
			if (err || r->n_hops != 1)
				abort();
		} else if (!err) {
			abort();
		}
		ps_report_finish(r);
		ps_report_free(r);
		free(err);
	}
	return 0;
}
