fn main() {
    certreq_web::start();
}
