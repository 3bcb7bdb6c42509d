// Signs a GIAMDINHHS envelope the way Java hospital software does: JSR 105 (javax.xml.crypto.dsig)
// with its defaults, the signature placed in CHUKYDONVI, X509Data with the subject name and the
// certificate (as the SmartCA / CA signing helpers write it). Run: java JdkSign.java IN KEY CERT OUT
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

public class JdkSign {
    public static void main(String[] args) throws Exception {
        DocumentBuilderFactory builders = DocumentBuilderFactory.newInstance();
        builders.setNamespaceAware(true);
        Document document = builders.newDocumentBuilder().parse(new FileInputStream(args[0]));
        Element holder = (Element) document.getElementsByTagName("CHUKYDONVI").item(0);

        String pem = Files.readString(Path.of(args[1])).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new FileInputStream(args[2]));

        XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
        Reference reference = factory.newReference("", factory.newDigestMethod(DigestMethod.SHA256, null),
            Collections.singletonList(factory.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null)), null, null);
        SignedInfo signedInfo = factory.newSignedInfo(
            factory.newCanonicalizationMethod(CanonicalizationMethod.INCLUSIVE, (C14NMethodParameterSpec) null),
            factory.newSignatureMethod(SignatureMethod.RSA_SHA256, null), Collections.singletonList(reference));
        KeyInfoFactory keyInfos = factory.getKeyInfoFactory();
        X509Data data = keyInfos.newX509Data(List.of(cert.getSubjectX500Principal().getName(), cert));
        factory.newXMLSignature(signedInfo, keyInfos.newKeyInfo(Collections.singletonList(data)))
            .sign(new DOMSignContext(key, holder));

        TransformerFactory.newInstance().newTransformer()
            .transform(new DOMSource(document), new StreamResult(new FileOutputStream(args[3])));
    }
}
