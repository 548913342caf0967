// pxe-mkcfg ipxe --http-base: the URL's checks, how file names join it, and
// the scripts that load the kernel and initrds over HTTP.
#include <catch2/catch.hpp>

#include "bootcfg/generate.h"
#include "bootcfg/marker.h"

namespace pxekit {
namespace {

std::string BaseOrError(std::string_view url) {
  auto base = ValidateHttpBase(url);
  return base ? *base : "error: " + base.error();
}

}  // namespace

TEST_CASE("HTTP base URL: one trailing slash whatever was given",
          "[bootcfg][http]") {
  CHECK(BaseOrError("http://10.0.0.1") == "http://10.0.0.1/");
  CHECK(BaseOrError("http://10.0.0.1/") == "http://10.0.0.1/");
  CHECK(BaseOrError("http://10.0.0.1:8080/boot") ==
        "http://10.0.0.1:8080/boot/");
  CHECK(BaseOrError("http://10.0.0.1:8080/boot//") ==
        "http://10.0.0.1:8080/boot/");
  CHECK(BaseOrError("https://boot.example/lab/") ==
        "https://boot.example/lab/");
  // The scheme in any case, written in lowercase; the rest as given.
  CHECK(BaseOrError("HTTP://Boot.Example/Lab") == "http://Boot.Example/Lab/");
  CHECK(BaseOrError("http://[fd00::1]:80/x") == "http://[fd00::1]:80/x/");
  CHECK(BaseOrError("http://user@srv/") == "http://user@srv/");
}

TEST_CASE("HTTP base URL: iPXE settings and escapes are kept",
          "[bootcfg][http]") {
  CHECK(BaseOrError("http://${next-server}/boot") ==
        "http://${next-server}/boot/");
  CHECK(BaseOrError("http://${next-server}:8080/${net0/mac:hexraw}") ==
        "http://${next-server}:8080/${net0/mac:hexraw}/");
  CHECK(BaseOrError("http://srv/my%20images") == "http://srv/my%20images/");
}

TEST_CASE("HTTP base URL: what cannot be a base URL and why",
          "[bootcfg][http]") {
  CHECK(BaseOrError("") == "error: --http-base: must not be empty");
  for (const char* url : {"ftp://srv/boot", "tftp://10.0.0.1/", "10.0.0.1/boot",
                          "srv", "file:///srv/tftp", "httpx://srv/"})
    CHECK(BaseOrError(url).find("must be an http:// or https:// URL") !=
          std::string::npos);
  for (const char* url :
       {"http://", "http:///boot", "http://:8080/boot", "https://user@/boot"})
    CHECK(BaseOrError(url).find("names no server") != std::string::npos);
  CHECK(BaseOrError("http://srv/my images") ==
        "error: --http-base 'http://srv/my images': ' ' cannot appear in a "
        "URL; write a blank as %20");
  // Each refused URL and the words of its reason.
  const std::pair<const char*, const char*> refused[] = {
      {"http://srv/a\tb", "byte 0x09 cannot appear in a URL"},
      {"http://srv/a\"b", "write it as %22"},
      {"http://srv/a\\b", "write it as %5C"},
      {"http://srv/it's", "write it as %27"},
      {"http://srv/boot?x=1", "'?' cannot appear in a base URL"},
      {"http://srv/boot#top", "write it as %23"},
      {"http://srv/100%", "'%' must start a %XX escape"},
      {"http://srv/%zz", "'%' must start a %XX escape"},
      // A '{' that does not open an iPXE setting.
      {"http://srv/{x}", "'{' cannot appear in a URL"},
      {"http://srv/${unclosed", "'{' cannot appear in a URL"},
  };
  for (const auto& [url, why] : refused) {
    INFO(url);
    CHECK(BaseOrError(url).find(why) != std::string::npos);
  }
}

TEST_CASE("HttpBootUrl: a file under the base with odd characters escaped",
          "[bootcfg][http]") {
  const std::string base = "http://10.0.0.1:8080/boot/";
  CHECK(HttpBootUrl(base, "vmlinuz") == base + "vmlinuz");
  // From the tree's root, as the TFTP server names it.
  CHECK(HttpBootUrl(base, "/vmlinuz") == base + "vmlinuz");
  CHECK(HttpBootUrl(base, "//debian/amd64/linux") ==
        base + "debian/amd64/linux");
  CHECK(HttpBootUrl(base, "a%b?c#d") == base + "a%25b%3Fc%23d");
  CHECK(HttpBootUrl(base, "it's<1>") == base + "it%27s%3C1%3E");
  CHECK(HttpBootUrl(base, "caf\xc3\xa9") == base + "caf%C3%A9");
  CHECK(HttpBootUrl(base, "img-${buildarch}.gz") ==
        base + "img-${buildarch}.gz");
  // A URL of its own stays as it is.
  CHECK(HttpBootUrl(base, "https://mirror/vmlinuz") ==
        "https://mirror/vmlinuz");
}

TEST_CASE(
    "iPXE with an HTTP base: kernel and initrds over HTTP and the chain "
    "relative",
    "[bootcfg][http]") {
  BootSpec spec;
  spec.kernel = "/vmlinuz";
  spec.initrds = {"initrd.gz", "extra/modules.cpio"};
  spec.append = "console=ttyS0";
  HostEntry host;
  host.mac = *MacAddr::Parse("52:54:00:12:34:56");
  auto files = GenerateIpxe(spec, {host}, "http://10.0.0.1:8080/");
  REQUIRE(files.size() == 2);
  for (const GeneratedFile& file : files) {
    std::string body = StripMarker(file.content);
    CHECK(body.find("kernel http://10.0.0.1:8080/vmlinuz console=ttyS0 || "
                    "goto failed\n"
                    "initrd http://10.0.0.1:8080/initrd.gz || goto failed\n"
                    "initrd http://10.0.0.1:8080/extra/modules.cpio || goto "
                    "failed\n") != std::string::npos);
  }
  // The per-host script resolves against the script's own URI, as before.
  CHECK(StripMarker(files[0].content)
            .find("chain --replace --autofree mac-${net0/mac:hexraw}.ipxe "
                  "|| goto linux\n") != std::string::npos);
  // Without a base, nothing changes.
  CHECK(StripMarker(GenerateIpxe(spec, {})[0].content)
            .find("kernel /vmlinuz console=ttyS0 || goto failed\n") !=
        std::string::npos);
}

}  // namespace pxekit
