//! The Web Enrollment HTML pages. Their wording and markup carry the markers that clients written
//! against AD CS parse (see enrollment-protocols.md §1.3): keep those byte-exact. Lines end with
//! CRLF, as IIS pages do.

use crate::util::html_escape;

fn page(title: &str, body: &str) -> String {
    format!(
        "<HTML>\r\n<Head>\r\n<Meta HTTP-Equiv=\"Content-Type\" Content=\"text/html; charset=UTF-8\">\r\n\
<Title>{}</Title>\r\n</Head>\r\n<Body BgColor=#FFFFFF>\r\n\
<Table Border=0 CellSpacing=0 CellPadding=4 Width=100%><TR><TD BgColor=#336699><Font Color=#FFFFFF>\
<B>devca</B> &mdash; development certification authority (AD CS Web Enrollment compatible; not for production)\
</Font></TD><TD BgColor=#336699 Align=Right><A Href=\"/certsrv/\"><Font Color=#FFFFFF>Home</Font></A></TD></TR></Table>\r\n\
<P ID=locPageTitle><Font Size=+1><B>{}</B></Font></P>\r\n{}\r\n</Body>\r\n</HTML>\r\n",
        html_escape(title),
        html_escape(title),
        body
    )
}

/// One line of a message as it may appear in a page: escaped, no line breaks, no quotes that
/// would end a client's `"([^"]+)` capture early.
fn msg(s: &str) -> String {
    html_escape(s.trim())
}

pub fn welcome(ca_name: &str) -> String {
    let body = format!(
        "<P>Use this web site to request a certificate from <B>{}</B>.</P>\r\n\
<P><B>Submit a request</B> (base64 or PEM PKCS#10):</P>\r\n\
<Form Method=Post Action=\"certfnsh.asp\">\r\n\
<Input Type=Hidden Name=Mode Value=newreq>\r\n\
<TextArea Name=CertRequest Rows=10 Cols=72></TextArea><BR>\r\n\
Attributes: <TextArea Name=CertAttrib Rows=2 Cols=60>CertificateTemplate:WebServer</TextArea><BR>\r\n\
<Input Type=Hidden Name=TargetStoreFlags Value=0><Input Type=Hidden Name=SaveCert Value=yes>\r\n\
<Input Type=Submit Value=\"Submit &gt;\">\r\n</Form>\r\n\
<P><A Href=\"certcarc.asp\">Download a CA certificate, certificate chain, or CRL</A></P>\r\n\
<P>Check a pending request:</P>\r\n<Form Method=Post Action=\"certfnsh.asp\">\
<Input Type=Hidden Name=Mode Value=chkpnd>Request ID: <Input Name=ReqID Size=8> \
<Input Type=Submit Value=\"Check\"></Form>\r\n",
        html_escape(ca_name)
    );
    page("Welcome", &body)
}

pub fn issued(id: u64) -> String {
    let body = format!(
        "<P>The certificate you requested was issued to you.</P>\r\n\
<P>\r\n\
<A Href=\"certnew.cer?ReqID={id}&amp;Enc=bin\">Download certificate (DER encoded)</A><BR>\r\n\
<A Href=\"certnew.cer?ReqID={id}&amp;Enc=b64\">Download certificate (Base 64 encoded)</A><BR>\r\n\
<A Href=\"certnew.p7b?ReqID={id}&amp;Enc=bin\">Download certificate chain (DER encoded)</A><BR>\r\n\
<A Href=\"certnew.p7b?ReqID={id}&amp;Enc=b64\">Download certificate chain (Base 64 encoded)</A>\r\n\
</P>\r\n\
<P><Input Type=Radio Name=rbEncoding ID=rbDerEnc Checked><Label For=rbDerEnc>DER encoded</Label> \
<Input Type=Radio Name=rbEncoding ID=rbB64Enc><Label For=rbB64Enc>Base 64 encoded</Label><BR>\r\n\
<A Href=\"#\" OnClick=\"handleGetCert();return false;\">Download certificate</A><BR>\r\n\
<A Href=\"#\" OnClick=\"handleGetChain();return false;\">Download certificate chain</A></P>\r\n\
<Script>\r\n\
function getEncoding() {{ return document.getElementById(\"rbB64Enc\").checked ? \"Enc=b64\" : \"Enc=bin\"; }}\r\n\
function handleGetCert() {{ location=\"certnew.cer?ReqID={id}&\"+getEncoding(); }}\r\n\
function handleGetChain() {{ location=\"certnew.p7b?ReqID={id}&\"+getEncoding(); }}\r\n\
</Script>\r\n"
    );
    page("Certificate Issued", &body)
}

pub fn pending(id: u64) -> String {
    let body = format!(
        "<P>Your certificate request has been received. However, you must wait for an administrator to issue the certificate you requested.</P>\r\n\
<P>Your Request Id is {id}.</P>\r\n\
<P>Please return to this web site in a day or two to retrieve your certificate.</P>\r\n"
    );
    page("Certificate Pending", &body)
}

/// The chkpnd answer while still pending.
pub fn still_pending(id: u64) -> String {
    let body = format!(
        "<P>Your certificate request is still pending. You must wait for an administrator to issue the certificate you requested.</P>\r\n\
<P>Your Request Id is {id}.</P>\r\n"
    );
    page("Certificate Pending", &body)
}

pub fn denied(id: u64, message: &str) -> String {
    let body = format!(
        "<P>Your certificate request was denied.</P>\r\n\
<P>Your Request Id is {id}. The disposition message is \"{}\".</P>\r\n\
<P>Contact your administrator for further information.</P>\r\n",
        msg(message)
    );
    page("Certificate Request Denied", &body)
}

/// The error page: a definition list whose values begin with two TABs (the layout clients
/// parse with `Disposition message:[^\t]+\t\t([^\r\n]+)` and `LastStatus:[^\t]+\t\t(...)`).
/// The page also states the disposition message in the sentence a submit client looks for.
pub fn error(disposition: &str, last_status: &str) -> String {
    let body = format!(
        "<P>An error occurred while processing your request. The disposition message is \"{}\".</P>\r\n\
<P><DL>\r\n\
<DT><Font Size=-1><B>Disposition message:</B></Font></DT><DD>\r\n\t\t{}\r\n</DD>\r\n\
<DT><Font Size=-1><B>LastStatus:</B></Font></DT><DD>\r\n\t\t{}\r\n</DD>\r\n\
</DL></P>\r\n",
        msg(disposition),
        msg(disposition),
        msg(last_status)
    );
    page("Certificate Services Error", &body)
}

pub const PROPERTY_EMPTY: &str =
    "The requested property value is empty. 0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)";

/// `certnew.cer` for an unknown request ID.
pub fn unknown_request() -> String {
    error(PROPERTY_EMPTY, PROPERTY_EMPTY)
}

/// The CA certificate / chain / CRL download page.
pub fn certcarc(renewals: u32) -> String {
    let body = format!(
        "<P>To trust certificates issued from this certification authority, install this CA certificate.</P>\r\n\
<P><A Href=\"certnew.cer?ReqID=CACert&amp;Renewal={renewals}&amp;Enc=bin\">Download CA certificate (DER)</A><BR>\r\n\
<A Href=\"certnew.cer?ReqID=CACert&amp;Renewal={renewals}&amp;Enc=b64\">Download CA certificate (Base 64)</A><BR>\r\n\
<A Href=\"certnew.p7b?ReqID=CACert&amp;Renewal={renewals}&amp;Enc=bin\">Download CA certificate chain</A><BR>\r\n\
<A Href=\"certcrl.crl?Type=base&amp;Renewal={renewals}&amp;Enc=bin\">Download latest base CRL</A><BR>\r\n\
<A Href=\"certcrl.crl?Type=delta&amp;Renewal={renewals}&amp;Enc=bin\">Download latest delta CRL</A></P>\r\n\
<Script>\r\nvar nRenewals={renewals};\r\n</Script>\r\n"
    );
    page(
        "Download a CA Certificate, Certificate Chain, or CRL",
        &body,
    )
}

/// The advanced request page: the templates this user may request, as AD CS lists them
/// (`<Select Name=lbCertTemplate ID=lbCertTemplateID>`, one `<Option Value="E;cn;…;display">`
/// a line; 14 fields, the ones between ours to fill), and the request form.
pub fn certrqxt(templates: &[crate::policy::Template]) -> String {
    let mut options = String::new();
    for t in templates {
        let (name, display) = (html_escape(t.name()), html_escape(t.display()));
        let min_key = if *t == crate::policy::Template::StrongKey {
            crate::policy::STRONG_KEY_BITS
        } else {
            2048
        };
        options.push_str(&format!(
            "<Option Value=\"E;{name};1;1;0;0;0;0;0;0;{min_key};0;0;{display}\">{display}</Option>\r\n"
        ));
    }
    let body = format!(
        "<P>Submit a saved request (base-64 PKCS #10 or PKCS #7) to the CA.</P>\r\n\
<Form Name=SubmittedData Method=Post Action=\"certfnsh.asp\">\r\n\
<Input Type=Hidden Name=Mode Value=newreq>\r\n\
<P>Saved Request:<BR><TextArea Name=CertRequest ID=locTaRequest Rows=10 Cols=72></TextArea></P>\r\n\
<P>Certificate Template:<BR>\r\n\
<Select Name=lbCertTemplate ID=lbCertTemplateID>\r\n{options}</Select></P>\r\n\
<P>Additional Attributes:<BR><TextArea Name=CertAttrib ID=locTaAttrib Rows=2 Cols=60></TextArea></P>\r\n\
<Input Type=Hidden Name=TargetStoreFlags Value=0><Input Type=Hidden Name=SaveCert Value=yes>\r\n\
<Input Type=Submit ID=btnSubmit Value=\"Submit &gt;\">\r\n</Form>\r\n"
    );
    page("Submit a Certificate Request or Renewal Request", &body)
}

/// IIS's 401 page.
pub fn unauthorized() -> String {
    "<HTML><Head><Title>401 - Unauthorized: Access is denied due to invalid credentials.</Title></Head>\r\n\
<Body><H2>401 - Unauthorized: Access is denied due to invalid credentials.</H2>\r\n\
<H3>You do not have permission to view this directory or page using the credentials that you supplied.</H3></Body></HTML>\r\n"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny stand-in for the regexes public clients use, so the markers are checked by
    /// behaviour, not by string equality alone.
    fn capture_after<'a>(text: &'a str, prefix: &str, stop: &[char]) -> Option<&'a str> {
        let start = text.find(prefix)? + prefix.len();
        let rest = &text[start..];
        let end = rest.find(|c| stop.contains(&c)).unwrap_or(rest.len());
        Some(&rest[..end])
    }

    #[test]
    fn issued_page_has_link_and_script_forms() {
        let p = issued(42);
        assert!(p.contains("Certificate Issued"));
        assert!(p.contains("The certificate you requested was issued to you."));
        assert!(p.contains("<A Href=\"certnew.cer?ReqID=42&amp;Enc=bin\">"));
        assert!(p.contains("<A Href=\"certnew.p7b?ReqID=42&amp;Enc=b64\">"));
        assert!(p.contains("location=\"certnew.cer?ReqID=42&\"+getEncoding();"));
        // certsrv: certnew.cer\?ReqID=(\d+)& — the first hit must carry the ID
        assert_eq!(capture_after(&p, "certnew.cer?ReqID=", &['&']), Some("42"));
    }

    #[test]
    fn pending_page_markers() {
        let p = pending(7);
        assert!(p.contains("Certificate Pending"));
        assert!(p.contains("Your Request Id is 7."));
        assert!(!p.contains("certnew.cer?ReqID="));
        assert!(still_pending(7).contains("still pending"));
    }

    #[test]
    fn denied_page_message_capture() {
        let m = "Denied by Policy Module  0x80094800, The request was for a certificate template that is not supported by the Active Directory Certificate Services policy: X.";
        let p = denied(3, m);
        assert!(p.contains("Your certificate request was denied."));
        assert_eq!(
            capture_after(&p, "The disposition message is \"", &['"']),
            Some(m)
        );
        // a quote in a message cannot cut the capture short
        let p = denied(3, "a\"b");
        assert_eq!(
            capture_after(&p, "The disposition message is \"", &['"']),
            Some("a&quot;b")
        );
    }

    #[test]
    fn error_page_two_tab_layout() {
        let p = error(
            "Taken Under Submission",
            "The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)",
        );
        assert!(p.contains(
            "<B>Disposition message:</B></Font></DT><DD>\r\n\t\tTaken Under Submission\r\n"
        ));
        let after = &p[p.find("Disposition message:").unwrap()..];
        let tabs = after.find("\t\t").unwrap();
        assert!(!after[..tabs].contains('\t'));
        assert_eq!(
            capture_after(&after[tabs..], "\t\t", &['\r', '\n']),
            Some("Taken Under Submission")
        );
        let after = &p[p.find("LastStatus:").unwrap()..];
        assert_eq!(
            capture_after(after, "\t\t", &['\r', '\n']),
            Some("The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)")
        );
        // a multi-line message stays on one line
        assert!(error("a\nb", "c").contains("\t\ta b\r\n"));
    }

    #[test]
    fn unknown_request_says_property_empty() {
        let p = unknown_request();
        assert!(p.contains("The requested property value is empty"));
        assert!(p.contains("0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)"));
    }

    #[test]
    fn certcarc_renewals() {
        assert!(certcarc(0).contains("var nRenewals=0;"));
    }
}
